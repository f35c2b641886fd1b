/**
 * Form fields in Bootstrap Italia markup, bound to a plain state object, and the placement of problem+json
 * errors: each `errors[].path` next to the field that carries that path (docs/web-client.md), the rest in a summary at the
 * top of the form that links to each field.
 */
import { ApiError, type FieldError, type Problem } from "./api.ts";
import { type Child, h, icon, replace, uid } from "./dom.ts";
import { type MessageKey, maybe, t } from "./i18n.ts";

export type State = Record<string, unknown>;

function getPath(state: State, path: string): unknown {
  return path.split(".").reduce<unknown>((node, part) => (node as State | undefined)?.[part], state);
}

function setPath(state: State, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = state;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as State;
  }
  node[parts.at(-1)!] = value;
}

interface Common {
  /** The API path of the value (`residence.city`): where its errors are shown. */
  path: string;
  label: MessageKey;
  hint?: MessageKey;
  required?: boolean;
  /** Where the value lives; defaults to the same path in `state`. */
  statePath?: string;
}

export interface InputOptions extends Common {
  type?: "text" | "email" | "tel" | "date" | "datetime-local" | "password" | "number";
  autocomplete?: string;
  inputmode?: string;
  maxlength?: number;
  /** Upper-cases as people type (codice fiscale, codes). */
  upper?: boolean;
  spellcheck?: boolean;
  onInput?: (value: string) => void;
  id?: string;
}

function describedBy(id: string, hint?: MessageKey): string | undefined {
  return hint ? `${id}-hint` : undefined;
}

/** A labelled input; its value is read from and written to `state` at `path`. */
export function input(state: State, options: InputOptions): HTMLElement {
  const id = options.id ?? uid("f");
  const statePath = options.statePath ?? options.path;
  const field = h("input", {
    class: "form-control",
    id,
    name: options.path,
    type: options.type ?? "text",
    autocomplete: options.autocomplete ?? "off",
    inputmode: options.inputmode,
    maxlength: options.maxlength,
    required: options.required,
    "aria-required": options.required ? "true" : undefined,
    spellcheck: options.spellcheck === false ? "false" : undefined,
    "aria-describedby": describedBy(id, options.hint),
  });
  field.value = String(getPath(state, statePath) ?? "");
  field.addEventListener("input", () => {
    if (options.upper) {
      const at = field.selectionStart;
      field.value = field.value.toUpperCase();
      if (at !== null) field.setSelectionRange(at, at);
    }
    setPath(state, statePath, field.value);
    options.onInput?.(field.value);
  });
  return h(
    "div",
    { class: "form-group", "data-path": options.path },
    h("label", { for: id, class: "active" }, t(options.label), options.required ? requiredMark() : null),
    field,
    options.hint ? h("small", { id: `${id}-hint`, class: "form-text" }, t(options.hint)) : null,
  );
}

/** The codice fiscale, as every form asks for it: required, upper-cased as typed, 16 characters, no spellcheck. */
export function codiceFiscaleInput(state: State, path = "codiceFiscale"): HTMLElement {
  return input(state, {
    path,
    label: "person.codiceFiscale",
    required: true,
    upper: true,
    maxlength: 16,
    spellcheck: false,
  });
}

export function requiredMark(): HTMLElement {
  return h("span", { class: "required-mark" }, h("span", { "aria-hidden": "true" }, " *"));
}

export interface SelectOptions extends Common {
  options: Array<{ value: string; label: string }>;
  placeholder?: MessageKey;
  onChange?: (value: string) => void;
}

export function select(state: State, options: SelectOptions): HTMLElement {
  const id = uid("f");
  const statePath = options.statePath ?? options.path;
  const current = String(getPath(state, statePath) ?? "");
  const element = h(
    "select",
    {
      class: "form-select",
      id,
      name: options.path,
      required: options.required,
      "aria-required": options.required ? "true" : undefined,
      "aria-describedby": describedBy(id, options.hint),
    },
    options.placeholder ? h("option", { value: "" }, t(options.placeholder)) : null,
    options.options.map((o) => h("option", { value: o.value, selected: o.value === current }, o.label)),
  );
  element.addEventListener("change", () => {
    setPath(state, statePath, element.value);
    options.onChange?.(element.value);
  });
  return h(
    "div",
    { class: "select-wrapper form-group", "data-path": options.path },
    h("label", { for: id }, t(options.label), options.required ? requiredMark() : null),
    element,
    options.hint ? h("small", { id: `${id}-hint`, class: "form-text" }, t(options.hint)) : null,
  );
}

export interface RadioOptions extends Common {
  options: Array<{ value: string; label: string }>;
  inline?: boolean;
  onChange?: (value: string) => void;
}

/** A fieldset of radio buttons (the legend labels the group). */
export function radios(state: State, options: RadioOptions): HTMLElement {
  const name = uid("r");
  const statePath = options.statePath ?? options.path;
  const current = String(getPath(state, statePath) ?? "");
  return h(
    "fieldset",
    { class: "form-group radio-group", "data-path": options.path },
    h("legend", { class: "form-legend" }, t(options.label), options.required ? requiredMark() : null),
    options.hint ? h("p", { class: "form-text" }, t(options.hint)) : null,
    options.options.map((o) => {
      const id = uid("o");
      const radio = h("input", {
        type: "radio",
        name,
        id,
        value: o.value,
        checked: o.value === current,
      });
      radio.addEventListener("change", () => {
        setPath(state, statePath, o.value);
        options.onChange?.(o.value);
      });
      return h(
        "div",
        { class: options.inline ? "form-check form-check-inline" : "form-check" },
        radio,
        h("label", { for: id }, o.label),
      );
    }),
  );
}

export function checkbox(
  state: State,
  options: Common & { onChange?: (checked: boolean) => void },
): HTMLElement {
  const id = uid("c");
  const statePath = options.statePath ?? options.path;
  const box = h("input", {
    type: "checkbox",
    id,
    name: options.path,
    checked: getPath(state, statePath) === true,
    "aria-describedby": describedBy(id, options.hint),
  });
  box.addEventListener("change", () => {
    setPath(state, statePath, box.checked);
    options.onChange?.(box.checked);
  });
  return h(
    "div",
    { class: "form-check form-group", "data-path": options.path },
    box,
    h("label", { for: id }, t(options.label)),
    options.hint ? h("small", { id: `${id}-hint`, class: "form-text d-block" }, t(options.hint)) : null,
  );
}

/** The text shown for a problem: our own words for the codes we know, else the service's. */
export function problemText(problem: Problem): { title: string; detail?: string } {
  const reason = problem.reason ? maybe(`problem.${problem.code}.${problem.reason}`) : undefined;
  const known = maybe(`problem.${problem.code}`);
  if (known) return { title: known, detail: reason ?? undefined };
  return { title: t("problem.generic"), detail: problem.detail ?? problem.title };
}

function fieldFor(form: HTMLElement, path: string): HTMLElement | undefined {
  const fields = [...form.querySelectorAll<HTMLElement>("[data-path]")];
  const exact = fields.find((f) => f.dataset.path === path);
  if (exact) return exact;
  // `residence.addressLines.0` → the field of `residence.addressLines.0` or its nearest ancestor path;
  // `contacts` (a rule on the whole object) → its first field.
  const ancestor = fields
    .filter((f) => path.startsWith(`${f.dataset.path}.`))
    .sort((a, b) => (b.dataset.path?.length ?? 0) - (a.dataset.path?.length ?? 0))[0];
  return ancestor ?? fields.find((f) => f.dataset.path?.startsWith(`${path}.`));
}

export function clearErrors(form: HTMLElement): void {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll<HTMLElement>("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.classList.remove("is-invalid");
    const ids = (node.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
    else node.removeAttribute("aria-describedby");
  }
  const summary = form.querySelector(".error-summary");
  if (summary) replace(summary as HTMLElement);
}

/** Marks `field` invalid with `message` shown under it and tied to its control. */
export function markField(field: HTMLElement, message: string): string {
  const control =
    field.querySelector<HTMLElement>("input:not([type=radio]), select, textarea") ??
    field.querySelector<HTMLElement>("input");
  const id = `${control?.id ?? uid("e")}-error`;
  field.appendChild(
    h(
      "div",
      { class: "field-error invalid-feedback d-block", id },
      icon("it-error", "icon-xs icon-danger"),
      " ",
      message,
    ),
  );
  const controls =
    field.tagName === "FIELDSET" ? [...field.querySelectorAll<HTMLElement>("input")] : [control];
  for (const c of controls) {
    if (!c) continue;
    c.setAttribute("aria-invalid", "true");
    if (field.tagName !== "FIELDSET") c.classList.add("is-invalid");
    c.setAttribute("aria-describedby", `${c.getAttribute("aria-describedby") ?? ""} ${id}`.trim());
  }
  return control?.id ?? "";
}

/**
 * Shows a failed call in `form`: each field error beside its field, and a summary (focused, so it is read out)
 * with the problem's title and links to the fields. Returns the paths that found a field.
 */
export function showProblem(form: HTMLElement, error: unknown): string[] {
  clearErrors(form);
  const problem: Problem =
    error instanceof ApiError ? error.problem : { code: "unexpected", title: String(error), status: 0 };
  const { title, detail } = problemText(problem);
  const placed: string[] = [];
  const links: Child[] = [];
  for (const fieldError of problem.errors ?? ([] as FieldError[])) {
    const field = fieldFor(form, fieldError.path);
    if (field) {
      const controlId = markField(field, fieldError.message);
      placed.push(field.dataset.path ?? fieldError.path);
      links.push(h("li", {}, h("a", { href: `#${controlId}` }, fieldError.message)));
    } else links.push(h("li", {}, fieldError.message));
  }
  let summary = form.querySelector<HTMLElement>(".error-summary");
  if (!summary) {
    summary = h("div", { class: "error-summary" });
    form.prepend(summary);
  }
  replace(
    summary,
    h(
      "div",
      { class: "alert alert-danger", role: "alert", tabindex: "-1" },
      h("p", { class: "fw-semibold mb-1" }, title),
      detail ? h("p", { class: "mb-1" }, detail) : null,
      links.length ? h("ul", { class: "mb-0" }, links) : null,
    ),
  );
  summary.querySelector<HTMLElement>(".alert")?.focus();
  return placed;
}

/** A submit button that shows it is busy while `action` runs, and cannot be pressed twice meanwhile. */
export function submitButton(label: MessageKey, extraClass = "btn-primary"): HTMLButtonElement {
  return h("button", { type: "submit", class: `btn ${extraClass}` }, t(label));
}

export async function busy<T>(button: HTMLButtonElement | null, action: () => Promise<T>): Promise<T> {
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  try {
    return await action();
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
}

/** A form whose submit runs `onSubmit` with errors shown in place; `id` names it for links and tests. */
export function form(
  onSubmit: (form: HTMLFormElement) => Promise<void>,
  ...children: Child[]
): HTMLFormElement {
  return namedForm(undefined, onSubmit, ...children);
}

export function namedForm(
  id: string | undefined,
  onSubmit: (form: HTMLFormElement) => Promise<void>,
  ...children: Child[]
): HTMLFormElement {
  const element = h(
    "form",
    { novalidate: true, class: "pin-form", id },
    h("div", { class: "error-summary" }),
    ...children,
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = element.querySelector<HTMLButtonElement>("button[type=submit]");
    void busy(button, async () => {
      clearErrors(element);
      try {
        await onSubmit(element);
      } catch (error) {
        showProblem(element, error);
      }
    });
  });
  return element;
}

/** A success or information box. */
export function callout(kind: "success" | "info" | "warning" | "danger", ...children: Child[]): HTMLElement {
  return h(
    "div",
    { class: `alert alert-${kind}`, role: kind === "danger" ? "alert" : "status" },
    ...children,
  );
}
