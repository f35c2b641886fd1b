/**
 * The place of birth by name: a text input tied to a `<datalist>` of municipalities and foreign states (the
 * browser's own accessible combobox, searchable as one types), and under it the Belfiore code the choice
 * stands for. The request keeps the code (`birthPlaceCode`); the typed text lives beside it (`birthPlace`).
 * A code typed as such (H501) is accepted too, as operators often have it at hand.
 */
import { h, uid } from "./dom.ts";
import { requiredMark } from "./forms.ts";
import { lang, t } from "./i18n.ts";
import { buildPlaces, type Places, placeRows } from "./places.ts";

export interface PlaceState {
  birthPlace?: string;
  birthPlaceCode: string;
}

export interface PlacePicker {
  element: HTMLElement;
  /** Shows the place of `code` (a pre-fill from the codice fiscale); resolves once it is shown. */
  setCode(code: string): Promise<void>;
}

const built = new Map<string, Promise<Places>>();

/** The places in the current language, built once per language. */
export function currentPlaces(): Promise<Places> {
  const language = lang();
  let places = built.get(language);
  if (!places) {
    places = placeRows().then((rows) =>
      buildPlaces(rows, language, { former: t("person.birthPlaceFormer") }),
    );
    built.set(language, places);
  }
  return places;
}

export function placePicker(state: PlaceState): PlacePicker {
  const id = uid("f");
  const listId = `${id}-list`;
  const field = h("input", {
    class: "form-control",
    id,
    name: "birthPlace",
    type: "text",
    list: listId,
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-required": "true",
    "aria-describedby": `${id}-hint ${id}-code`,
  });
  field.value = state.birthPlace ?? "";
  const datalist = h("datalist", { id: listId });
  const code = h("small", { id: `${id}-code`, class: "form-text d-block", "aria-live": "polite" });
  let places: Places | undefined;

  const show = () => {
    const text = field.value.trim();
    // Without the table (it failed to load) a code typed as such still goes through; the service checks it.
    const found = places
      ? places.codeOf(text)
      : /^[A-Za-z]\d{3}$/.test(text)
        ? text.toUpperCase()
        : undefined;
    state.birthPlace = field.value;
    state.birthPlaceCode = found ?? "";
    if (found || !text || !places) field.removeAttribute("data-unresolved");
    else field.setAttribute("data-unresolved", t("person.birthPlaceUnknown"));
    code.textContent = found ? t("person.birthPlaceCodeIs", { code: found }) : "";
  };
  const ready = currentPlaces().then((loaded) => {
    places = loaded;
    datalist.replaceChildren(
      ...loaded.options.map((place) => h("option", { value: place.label, label: place.alias })),
    );
    // Drawn again (another step, another language): the code chosen stays, in this language's words.
    const kept = state.birthPlaceCode;
    if (kept && loaded.codeOf(field.value) !== kept) field.value = loaded.labelOf(kept) ?? kept;
    show();
  }, show);
  field.addEventListener("input", show);

  return {
    element: h(
      "div",
      { class: "form-group", "data-path": "birthPlaceCode" },
      h("label", { for: id, class: "active" }, t("person.birthPlace"), requiredMark()),
      field,
      datalist,
      h("small", { id: `${id}-hint`, class: "form-text d-block" }, t("person.birthPlaceHint")),
      code,
    ),
    async setCode(next) {
      await ready;
      field.value = places?.labelOf(next) ?? next;
      show();
    },
  };
}
