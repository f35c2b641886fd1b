/**
 * The citizen data of a PIN request (F1), shared by the online stepper, the contact center's request by phone
 * (F8) and the branch issuance (F9): the fields in groups, and the request body built from them.
 */
import { type CodiceFiscaleBirth, decodeCodiceFiscale } from "../../shared/credentials/codice-fiscale.ts";
import { countryOptions } from "./countries.ts";
import { h } from "./dom.ts";
import { input, radios, type State, select } from "./forms.ts";
import { t } from "./i18n.ts";
import { type PlacePicker, placePicker } from "./place-picker.ts";

export interface PersonState extends State {
  codiceFiscale: string;
  surname: string;
  givenName: string;
  birthDate: string;
  sex: string;
  birthPlaceCode: string;
  /** The place of birth as typed or picked (the page's; the request carries the code). */
  birthPlace: string;
  residence: {
    countryCode: string;
    addressLines: string[];
    city: string;
    postalCode: string;
    region: string;
  };
  hasItalianIdDocument: boolean;
  contacts: { mobile: string; email: string; pec: string };
  partAChannel: string;
  healthCard: { number: string; expiryDate: string };
}

export function emptyPerson(): PersonState {
  return {
    codiceFiscale: "",
    surname: "",
    givenName: "",
    birthDate: "",
    sex: "",
    birthPlaceCode: "",
    birthPlace: "",
    residence: { countryCode: "", addressLines: ["", ""], city: "", postalCode: "", region: "" },
    hasItalianIdDocument: false,
    contacts: { mobile: "", email: "", pec: "" },
    partAChannel: "sms",
    healthCard: { number: "", expiryDate: "" },
  };
}

/** What the codice fiscale last filled in, per form: a field still holding it follows a corrected code. */
const prefilled = new WeakMap<PersonState, CodiceFiscaleBirth>();

/**
 * Birth date, sex and place of birth from a complete, valid codice fiscale: each field that is empty or still
 * holds what the code filled in before (the person's own changes are kept), with a note to check them.
 */
function prefill(state: PersonState, fields: HTMLElement, picker: PlacePicker, note: HTMLElement): void {
  const decoded = decodeCodiceFiscale(state.codiceFiscale);
  if (!decoded) return;
  const before = prefilled.get(state);
  prefilled.set(state, decoded);
  const free = (key: keyof CodiceFiscaleBirth) => !state[key] || state[key] === before?.[key];
  if (free("birthDate")) {
    state.birthDate = decoded.birthDate;
    const date = fields.querySelector<HTMLInputElement>('[data-path="birthDate"] input');
    if (date) date.value = decoded.birthDate;
  }
  if (free("sex")) {
    state.sex = decoded.sex;
    const radio = fields.querySelector<HTMLInputElement>(`[data-path="sex"] input[value="${decoded.sex}"]`);
    if (radio) radio.checked = true;
  }
  if (free("birthPlaceCode")) void picker.setCode(decoded.birthPlaceCode);
  note.textContent = t("person.prefilled");
}

/** The codice fiscale, upper-cased as it is typed. */
function codiceFiscaleInput(state: State, path: string, onInput?: () => void): HTMLElement {
  return input(state, {
    path,
    label: "person.codiceFiscale",
    hint: "person.codiceFiscaleHint",
    required: true,
    upper: true,
    maxlength: 16,
    spellcheck: false,
    onInput,
  });
}

export function identityFields(state: PersonState): HTMLElement[] {
  const picker = placePicker(state);
  const note = h("p", { class: "form-text prefill-note", role: "status" });
  const group = h("div", {});
  const codiceFiscale = codiceFiscaleInput(state, "codiceFiscale", () => prefill(state, group, picker, note));
  group.append(
    codiceFiscale,
    note,
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "col-md-6" },
        input(state, {
          path: "surname",
          label: "person.surname",
          required: true,
          autocomplete: "family-name",
        }),
      ),
      h(
        "div",
        { class: "col-md-6" },
        input(state, {
          path: "givenName",
          label: "person.givenName",
          required: true,
          autocomplete: "given-name",
        }),
      ),
    ),
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "col-md-6" },
        input(state, {
          path: "birthDate",
          label: "person.birthDate",
          type: "date",
          required: true,
          autocomplete: "bday",
        }),
      ),
      h("div", { class: "col-md-6" }, picker.element),
    ),
    radios(state, {
      path: "sex",
      label: "person.sex",
      required: true,
      inline: true,
      options: [
        { value: "F", label: t("person.sexF") },
        { value: "M", label: t("person.sexM") },
      ],
    }),
  );
  return [group];
}

export function residenceFields(state: PersonState): HTMLElement[] {
  return [
    select(state, {
      path: "residence.countryCode",
      label: "person.country",
      required: true,
      placeholder: "person.countryChoose",
      options: countryOptions(),
    }),
    input(state, {
      path: "residence.addressLines.0",
      label: "person.addressLine1",
      required: true,
      autocomplete: "address-line1",
    }),
    input(state, {
      path: "residence.addressLines.1",
      label: "person.addressLine2",
      autocomplete: "address-line2",
    }),
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "col-md-6" },
        input(state, {
          path: "residence.city",
          label: "person.city",
          required: true,
          autocomplete: "address-level2",
        }),
      ),
      h(
        "div",
        { class: "col-md-6" },
        input(state, {
          path: "residence.postalCode",
          label: "person.postalCode",
          required: true,
          autocomplete: "postal-code",
        }),
      ),
    ),
    input(state, { path: "residence.region", label: "person.region", autocomplete: "address-level1" }),
  ];
}

export function contactFields(state: PersonState): HTMLElement[] {
  return [
    input(state, {
      path: "contacts.mobile",
      label: "person.mobile",
      hint: "person.mobileHint",
      type: "tel",
      autocomplete: "tel",
    }),
    input(state, { path: "contacts.email", label: "person.email", type: "email", autocomplete: "email" }),
    input(state, { path: "contacts.pec", label: "person.pec", type: "email", hint: "person.pecHint" }),
  ];
}

export function partAChannelField(state: PersonState): HTMLElement {
  return radios(state, {
    path: "partAChannel",
    label: "person.partAChannel",
    hint: "person.partAChannelHint",
    required: true,
    options: [
      { value: "sms", label: t("channel.sms") },
      { value: "email", label: t("channel.email") },
      { value: "pec", label: t("channel.pec") },
    ],
  });
}

export function healthCardFields(state: PersonState): HTMLElement {
  return h(
    "fieldset",
    { class: "mt-3" },
    h("legend", { class: "form-legend" }, t("person.healthCard")),
    h("p", { class: "form-text" }, t("person.healthCardHint")),
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "col-md-6" },
        input(state, {
          path: "healthCard.number",
          label: "person.healthCardNumber",
          inputmode: "numeric",
          maxlength: 20,
        }),
      ),
      h(
        "div",
        { class: "col-md-6" },
        input(state, { path: "healthCard.expiryDate", label: "person.healthCardExpiry", type: "date" }),
      ),
    ),
  );
}

const trimmed = (value: string | undefined) => (value ?? "").trim();
const optional = (value: string | undefined) => trimmed(value) || undefined;

/** The citizen fields of the request body; empty optional fields left out, as the API wants. */
export function personBody(state: PersonState) {
  const contacts = {
    mobile: optional(state.contacts.mobile?.replace(/[\s().-]/g, "")),
    email: optional(state.contacts.email),
    pec: optional(state.contacts.pec),
  };
  return {
    codiceFiscale: trimmed(state.codiceFiscale),
    surname: trimmed(state.surname),
    givenName: trimmed(state.givenName),
    birthDate: trimmed(state.birthDate),
    sex: state.sex,
    birthPlaceCode: trimmed(state.birthPlaceCode),
    residence: {
      countryCode: state.residence.countryCode,
      addressLines: state.residence.addressLines.map((line) => line.trim()).filter(Boolean),
      city: trimmed(state.residence.city),
      postalCode: trimmed(state.residence.postalCode),
      region: optional(state.residence.region),
    },
    hasItalianIdDocument: state.hasItalianIdDocument,
    contacts: Object.fromEntries(Object.entries(contacts).filter(([, v]) => v !== undefined)),
    healthCard: trimmed(state.healthCard.number)
      ? { number: trimmed(state.healthCard.number), expiryDate: trimmed(state.healthCard.expiryDate) }
      : undefined,
  };
}

/** The F1 / F8 body: the citizen fields and the part-A channel. */
export function pinRequestBody(state: PersonState) {
  return { ...personBody(state), partAChannel: state.partAChannel };
}

/** Codice fiscale, surname and given name at `prefix` (`person.codiceFiscale`): who an appointment is for. */
export function personRefFields(state: State, prefix: string): HTMLElement[] {
  const name = (field: "surname" | "givenName", autocomplete: string) =>
    h(
      "div",
      { class: "col-md-6" },
      input(state, { path: `${prefix}.${field}`, label: `person.${field}`, required: true, autocomplete }),
    );
  return [
    codiceFiscaleInput(state, `${prefix}.codiceFiscale`),
    h("div", { class: "row" }, name("surname", "family-name"), name("givenName", "given-name")),
  ];
}
