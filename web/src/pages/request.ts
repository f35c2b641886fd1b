/**
 * F1 online request as a stepper (Designers Italia): personal data → residence → contacts and part-A channel →
 * summary with "Conferma e invia" → receipt. Every step has a way back; the summary links to each step; a
 * server error takes the person to the step of the first field it names.
 */
import { type Answer, call, newIdempotencyKey } from "../api.ts";
import { add, type Child, h } from "../dom.ts";
import { callout, checkbox } from "../forms.ts";
import { countryName, formatDate, type MessageKey, t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import {
  contactFields,
  emptyPerson,
  healthCardFields,
  identityFields,
  partAChannelField,
  pinRequestBody,
  residenceFields,
} from "../person.ts";
import { receiptHeader, showStepProblem, stepperForm, summaryBlock, summaryRow } from "../stepper.ts";

type Accepted = Answer<"pinRequests">;

const steps: MessageKey[] = [
  "request.step.personal",
  "request.step.residence",
  "request.step.contacts",
  "request.step.summary",
];
const state = emptyPerson();
let step = 0;
let receipt: Accepted | undefined;
/** One key per data submitted: a retry of the same data is the same request, never a second part A. */
let idempotency: { key: string; body: string } | undefined;

function stepOf(path: string): number {
  if (path.startsWith("residence")) return 1;
  if (path.startsWith("contacts") || path === "partAChannel" || path.startsWith("healthCard")) return 2;
  return 0;
}

function goTo(next: number): void {
  step = next;
  void rerender().then(() => {
    if (!document.querySelector(".error-summary .alert")) document.getElementById("step-title")?.focus();
  });
}

function eligibilityNote(): HTMLElement {
  const note = h("div", { class: "eligibility-warning" });
  const draw = () => {
    note.replaceChildren();
    if (state.hasItalianIdDocument) note.append(callout("warning", t("request.notEligibleNow")));
  };
  draw();
  (note as HTMLElement & { redraw?: () => void }).redraw = draw;
  return note;
}

function personalStep(): Child[] {
  const warning = eligibilityNote();
  return [
    callout("info", t("request.eligibility")),
    ...identityFields(state),
    checkbox(state, {
      path: "hasItalianIdDocument",
      label: "request.hasItalianIdDocument",
      onChange: () => (warning as HTMLElement & { redraw: () => void }).redraw(),
    }),
    warning,
  ];
}

function summaryStep(): Child[] {
  const body = pinRequestBody(state);
  return [
    h("p", {}, t("request.summaryIntro")),
    summaryBlock("request.step.personal", () => goTo(0), [
      summaryRow("person.codiceFiscale", body.codiceFiscale),
      summaryRow("person.surname", body.surname),
      summaryRow("person.givenName", body.givenName),
      summaryRow("person.birthDate", body.birthDate ? formatDate(body.birthDate) : ""),
      summaryRow(
        "person.sex",
        body.sex === "F" ? t("person.sexF") : body.sex === "M" ? t("person.sexM") : "",
      ),
      summaryRow(
        "person.birthPlace",
        body.birthPlaceCode ? `${state.birthPlace.trim()} (${body.birthPlaceCode})` : "",
      ),
      summaryRow("request.hasItalianIdDocument", t(body.hasItalianIdDocument ? "common.yes" : "common.no")),
    ]),
    summaryBlock("request.step.residence", () => goTo(1), [
      summaryRow("person.country", body.residence.countryCode ? countryName(body.residence.countryCode) : ""),
      summaryRow("person.address", body.residence.addressLines.join(", ")),
      summaryRow("person.city", body.residence.city),
      summaryRow("person.postalCode", body.residence.postalCode),
      summaryRow("person.region", body.residence.region),
    ]),
    summaryBlock("request.step.contacts", () => goTo(2), [
      summaryRow("person.mobile", body.contacts.mobile),
      summaryRow("person.email", body.contacts.email),
      summaryRow("person.pec", body.contacts.pec),
      summaryRow("person.partAChannel", t(`channel.${state.partAChannel as "sms"}`)),
      summaryRow("person.healthCardNumber", body.healthCard?.number),
    ]),
    callout("info", t("request.letterNote")),
  ];
}

async function send(form: HTMLFormElement): Promise<void> {
  const body = pinRequestBody(state);
  const serialised = JSON.stringify(body);
  if (idempotency?.body !== serialised) idempotency = { key: newIdempotencyKey(), body: serialised };
  try {
    receipt = await call<Accepted>("POST", "/v1/pin-requests", { body, idempotencyKey: idempotency.key });
    idempotency = undefined;
    step = steps.length;
    await rerender();
    document.getElementById("receipt-title")?.focus();
  } catch (error) {
    showStepProblem(form, error, { steps, step, goTo }, stepOf);
  }
}

function receiptView(main: HTMLElement, accepted: Accepted): void {
  add(
    main,
    h(
      "div",
      { class: "receipt" },
      receiptHeader("request.receiptTitle", "request.receiptText"),
      h(
        "dl",
        { class: "row" },
        h("dt", { class: "col-sm-4" }, t("request.requestId")),
        h("dd", { class: "col-sm-8 font-monospace", "data-testid": "request-id" }, accepted.requestId),
        h("dt", { class: "col-sm-4" }, t("request.partASentTo")),
        h(
          "dd",
          { class: "col-sm-8" },
          `${t(`channel.${accepted.partASentTo.channel}`)}: ${accepted.partASentTo.masked}`,
        ),
        h("dt", { class: "col-sm-4" }, t("request.letterTo")),
        h(
          "dd",
          { class: "col-sm-8" },
          `${accepted.letter.sentTo.city}, ${countryName(accepted.letter.sentTo.countryCode)}`,
        ),
        h("dt", { class: "col-sm-4" }, t("request.letterWithin")),
        h("dd", { class: "col-sm-8" }, t("request.days", { days: accepted.letter.expectedWithinDays })),
      ),
      accepted.letter.addressOnRecordDiffers ? callout("warning", t("request.addressDiffers")) : null,
      h("h2", { class: "h4" }, t("request.nextSteps")),
      h(
        "ol",
        {},
        h("li", {}, t("request.next1")),
        h("li", {}, t("request.next2")),
        h("li", {}, t("request.next3")),
      ),
      h("a", { class: "btn btn-primary", href: "/login/" }, t("request.goToLogin")),
    ),
  );
}

mountPage({
  title: "request.title",
  render(main) {
    if (receipt) return receiptView(main, receipt);
    const content =
      step === 0
        ? personalStep()
        : step === 1
          ? residenceFields(state)
          : step === 2
            ? [...contactFields(state), partAChannelField(state), healthCardFields(state)]
            : summaryStep();
    stepperForm(main, { steps, step, goTo }, content, send);
  },
});
