/**
 * The Designers Italia stepper the multi-step forms share (the PIN request, the appointment booking): the step
 * header, a way back at every step, required fields checked before moving on, the summary's blocks that lead
 * back to their step, and "Conferma e invia" on the last step.
 */
import { ApiError } from "./api.ts";
import { add, type Child, h } from "./dom.ts";
import { busy, callout, markField, showProblem } from "./forms.ts";
import { type MessageKey, t } from "./i18n.ts";

export interface Stepper {
  steps: readonly MessageKey[];
  /** The step shown, from 0. */
  step: number;
  goTo(step: number): void;
  /** Where "Annulla" leads from the first step. */
  cancelHref?: string;
  /** Runs on "Avanti" once the step's required fields are filled; false holds the step. */
  beforeNext?: (form: HTMLFormElement) => boolean;
}

function stepperHeader({ steps, step }: Stepper): HTMLElement {
  return h(
    "div",
    { class: "steppers-header" },
    h(
      "ol",
      {},
      steps.map((label, index) =>
        h(
          "li",
          {
            class: index < step ? "confirmed" : index === step ? "active" : undefined,
            "aria-current": index === step ? "step" : undefined,
          },
          h(
            "span",
            { class: "steppers-number" },
            h("span", { class: "visually-hidden" }, t("request.stepWord")),
            ` ${index + 1} `,
          ),
          t(label),
          index < step ? h("span", { class: "visually-hidden" }, ` (${t("request.stepDone")})`) : null,
        ),
      ),
    ),
    h("span", { class: "steppers-index", "aria-hidden": "true" }, `${step + 1}/${steps.length}`),
  );
}

/** Required fields of a step left empty, with their messages beside them; true when the step can be left. */
export function checkRequired(form: HTMLElement): boolean {
  let ok = true;
  for (const field of form.querySelectorAll<HTMLElement>("[data-path]")) {
    const control = field.querySelector<HTMLInputElement | HTMLSelectElement>("[aria-required=true]");
    const radiosRequired = field.tagName === "FIELDSET" && field.querySelector(".required-mark");
    const emptyRadios = radiosRequired && !field.querySelector("input:checked");
    if ((control && control.value.trim() === "") || emptyRadios) {
      markField(field, t("form.required"));
      ok = false;
    } else if (control?.dataset.unresolved) {
      // Text that names no place (the place picker's own message).
      markField(field, control.dataset.unresolved);
      ok = false;
    }
  }
  if (!ok) form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  return ok;
}

function clearFieldErrors(form: HTMLElement): void {
  for (const e of form.querySelectorAll(".field-error")) e.remove();
  for (const c of form.querySelectorAll("[aria-invalid]")) {
    c.removeAttribute("aria-invalid");
    c.classList.remove("is-invalid");
  }
}

function navigation(form: HTMLFormElement, stepper: Stepper, last: boolean): HTMLElement {
  const { step, goTo } = stepper;
  return h(
    "nav",
    { class: "steppers-nav", "aria-label": t("request.stepNav") },
    step > 0
      ? h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-primary btn-sm steppers-btn-prev",
            onclick: () => goTo(step - 1),
          },
          t("request.back"),
        )
      : h(
          "a",
          { class: "btn btn-outline-primary btn-sm", href: stepper.cancelHref ?? "/" },
          t("request.cancel"),
        ),
    last
      ? h(
          "button",
          { type: "submit", class: "btn btn-primary btn-sm steppers-btn-confirm" },
          t("request.confirm"),
        )
      : h(
          "button",
          {
            type: "button",
            class: "btn btn-primary btn-sm steppers-btn-next",
            onclick: () => {
              clearFieldErrors(form);
              if (checkRequired(form) && (stepper.beforeNext?.(form) ?? true)) goTo(step + 1);
            },
          },
          t("request.next"),
        ),
  );
}

/**
 * Draws the form of the current step in `main`: header, the step's title and `content`, the navigation, and a
 * problem left for this step. Enter on a step that is not the last works as "Avanti"; on the last, `send` runs
 * with the confirm button busy.
 */
export function stepperForm(
  main: HTMLElement,
  stepper: Stepper,
  content: Child[],
  send: (form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const { steps, step } = stepper;
  const last = step === steps.length - 1;
  const form = h(
    "form",
    { novalidate: true, class: "steppers pin-form", "aria-labelledby": "step-title" },
    stepperHeader(stepper),
    h(
      "div",
      { class: "steppers-content" },
      h("div", { class: "error-summary" }),
      h(
        "h2",
        { class: "h4 mb-3", id: "step-title", tabindex: "-1" },
        t("request.stepOf", { n: step + 1, total: steps.length }),
        ": ",
        t(steps[step]!),
      ),
      content,
    ),
  );
  add(form, navigation(form, stepper, last));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!last) {
      form.querySelector<HTMLButtonElement>(".steppers-btn-next")?.click();
      return;
    }
    void busy(form.querySelector("button[type=submit]"), () => send(form));
  });
  add(main, form);
  if (pendingProblem) {
    showProblem(form, pendingProblem);
    pendingProblem = undefined;
  }
  return form;
}

export function summaryRow(label: MessageKey, value: string | undefined): Child {
  return [h("dt", { class: "col-sm-4" }, t(label)), h("dd", { class: "col-sm-8" }, value || "—")];
}

/** A block of the summary with a link back to the step it came from. */
export function summaryBlock(title: MessageKey, edit: () => void, rows: Child[]): HTMLElement {
  return h(
    "div",
    { class: "summary-block card card-bg mb-3" },
    h(
      "div",
      { class: "card-body" },
      h(
        "div",
        { class: "d-flex justify-content-between align-items-start" },
        h("h3", { class: "h5" }, t(title)),
        h(
          "button",
          { type: "button", class: "btn btn-link p-0", onclick: edit },
          t("request.edit"),
          h("span", { class: "visually-hidden" }, `: ${t(title)}`),
        ),
      ),
      h("dl", { class: "row mb-0" }, rows),
    ),
  );
}

/** A problem to show on the step drawn next (a submission refused on another step than the one it names). */
let pendingProblem: unknown;

/** Shows `error` on the step drawn next, e.g. the times again after `409 slot-full`. */
export function showOnNextStep(error: unknown): void {
  pendingProblem = error;
}

/**
 * Shows a refused submission: on the step of the first field it names when that is not the step shown (the
 * person is taken there), else in `form`.
 */
export function showStepProblem(
  form: HTMLFormElement,
  error: unknown,
  stepper: Stepper,
  stepOf: (path: string) => number,
): void {
  const first = error instanceof ApiError ? error.problem.errors?.[0]?.path : undefined;
  if (first !== undefined && stepOf(first) !== stepper.step) {
    pendingProblem = error;
    stepper.goTo(stepOf(first));
  } else showProblem(form, error);
}

/** The receipt's success box; its title takes the focus once drawn (`#receipt-title`). */
export function receiptHeader(title: MessageKey, text: MessageKey): HTMLElement {
  return callout(
    "success",
    h("h2", { class: "h4", id: "receipt-title", tabindex: "-1" }, t(title)),
    h("p", { class: "mb-0" }, t(text)),
  );
}
