/**
 * F18 booking as a stepper (Designers Italia): service and branch → day → free time → person and contact →
 * summary with "Conferma e invia" → receipt with the .ics file. Times are the branch's local time. A slot
 * taken meanwhile (409 slot-full) or no longer offered (422) takes the person back to the times, refreshed.
 */
import { ApiError, call, newIdempotencyKey } from "../api.ts";
import {
  addressText,
  type Booked,
  type BranchView,
  bookingBody,
  calendarUrl,
  contactChoice,
  dayName,
  defaultTimeZone,
  emptyBooking,
  freeDays,
  isService,
  loadBranches,
  type Slot,
  serviceName,
  slotText,
  wallClock,
} from "../appointments.ts";
import { add, type Child, h, live } from "../dom.ts";
import { callout, radios, select, showProblem } from "../forms.ts";
import { type MessageKey, t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { personRefFields } from "../person.ts";
import {
  receiptHeader,
  showOnNextStep,
  showStepProblem,
  stepperForm,
  summaryBlock,
  summaryRow,
} from "../stepper.ts";

const steps: MessageKey[] = [
  "appointments.step.where",
  "appointments.step.day",
  "appointments.step.slot",
  "appointments.step.person",
  "request.step.summary",
];
const asked = new URLSearchParams(location.search).get("service");
const state = emptyBooking(isService(asked) ? asked : "");
let step = 0;
let branches: BranchView[] | undefined;
/** The free slots of `key` (branch and service), by the branch's local day. */
let days: { key: string; byDay: Map<string, Slot[]> } | undefined;
let booked: { answer: Booked; ics: string } | undefined;
let refreshed = false;
/** One key per data submitted: a retried booking is the same booking, never a second one. */
let idempotency: { key: string; body: string } | undefined;

const branch = () => branches?.find((b) => b.id === state.branchId);
const offering = () => (branches ?? []).filter((b) => b.services.some((s) => s === state.service));

function goTo(next: number): void {
  step = next;
  void rerender().then(() => {
    if (!document.querySelector(".error-summary .alert")) document.getElementById("step-title")?.focus();
  });
}

async function ensureDays(fresh = false): Promise<Map<string, Slot[]>> {
  const key = `${state.branchId}/${state.service}`;
  const chosen = branch();
  if (!chosen || !isService(state.service)) return new Map();
  if (fresh || days?.key !== key) days = { key, byDay: await freeDays(chosen, state.service) };
  return days.byDay;
}

function branchField(): Child {
  const list = offering();
  if (!list.some((b) => b.id === state.branchId)) state.branchId = "";
  if (state.service && list.length === 0) return callout("warning", t("appointments.noBranch"));
  return select(state, {
    path: "branchId",
    label: "appointments.branch",
    required: true,
    placeholder: "appointments.branchChoose",
    options: list.map((b) => ({ value: b.id, label: `${b.name}, ${addressText(b.address)}` })),
  });
}

function whereStep(): Child[] {
  const branchPart = live(branchField);
  return [
    h("p", {}, t("appointments.intro")),
    radios(state, {
      path: "service",
      label: "appointments.service",
      required: true,
      options: ["pin-issuance", "pin-conversion", "delegation"].map((s) => ({
        value: s,
        label: serviceName(s),
      })),
      // The branches that offer it, redrawn in place so the focus stays on the chosen service.
      onChange: branchPart.redraw,
    }),
    branchPart.element,
  ];
}

function localTimeNote(): HTMLElement {
  return h(
    "p",
    { class: "form-text" },
    t("appointments.localTime", { zone: branch()?.timeZone ?? defaultTimeZone }),
  );
}

function dayStep(byDay: Map<string, Slot[]>): Child[] {
  if (!byDay.has(state.day)) state.day = "";
  if (byDay.size === 0) return [callout("warning", t("appointments.noDays"))];
  return [
    h("p", {}, branch()?.name, ", ", serviceName(state.service)),
    select(state, {
      path: "day",
      label: "appointments.day",
      required: true,
      options: [...byDay].map(([day, slots]) => ({
        value: day,
        label: `${dayName(day)} (${t("appointments.dayFree", { count: slots.length })})`,
      })),
      placeholder: "appointments.step.day",
    }),
  ];
}

function slotStep(byDay: Map<string, Slot[]>): Child[] {
  const slots = byDay.get(state.day) ?? [];
  if (!slots.some((s) => s.start === state.start)) state.start = "";
  return [
    refreshed ? callout("info", t("appointments.refreshed")) : null,
    slots.length === 0
      ? callout("warning", t("appointments.noSlots"))
      : radios(state, {
          path: "start",
          label: "appointments.slot",
          required: true,
          inline: true,
          options: slots.map((s) => ({
            value: s.start,
            label: `${wallClock(s.start)}–${wallClock(s.end)}`,
          })),
        }),
    localTimeNote(),
  ];
}

function personStep(): Child[] {
  return [...personRefFields(state, "person"), ...contactChoice(state)];
}

function summaryStep(): Child[] {
  const body = bookingBody(state);
  const chosen = branch();
  return [
    h("p", {}, t("appointments.summaryIntro")),
    summaryBlock("appointments.step.where", () => goTo(0), [
      summaryRow("appointments.service", serviceName(body.service)),
      summaryRow("appointments.branch", chosen?.name),
      summaryRow("appointments.address", addressText(chosen?.address)),
    ]),
    summaryBlock("appointments.step.slot", () => goTo(2), [
      summaryRow("appointments.when", body.start ? slotText({ start: body.start, end: slotEnd() }) : ""),
    ]),
    summaryBlock("appointments.step.person", () => goTo(3), [
      summaryRow("person.codiceFiscale", body.person.codiceFiscale),
      summaryRow("person.surname", body.person.surname),
      summaryRow("person.givenName", body.person.givenName),
      "email" in body.contact
        ? summaryRow("person.email", body.contact.email)
        : summaryRow("person.mobile", body.contact.mobile),
    ]),
    localTimeNote(),
  ];
}

function slotEnd(): string {
  return days?.byDay.get(state.day)?.find((s) => s.start === state.start)?.end ?? state.start;
}

/** The step a field error belongs to. */
function stepOf(path: string): number {
  if (path.startsWith("person") || path.startsWith("contact")) return 3;
  if (path === "start") return 2;
  return 0;
}

async function send(form: HTMLFormElement): Promise<void> {
  const body = bookingBody(state);
  const serialised = JSON.stringify(body);
  if (idempotency?.body !== serialised) idempotency = { key: newIdempotencyKey(), body: serialised };
  try {
    const answer = await call<Booked>("POST", "/v1/appointments", { body, idempotencyKey: idempotency.key });
    idempotency = undefined;
    booked = { answer, ics: calendarUrl(answer) };
    await rerender();
    document.getElementById("receipt-title")?.focus();
  } catch (error) {
    const code = error instanceof ApiError ? error.problem.code : "";
    if (code === "slot-full" || code === "slot-not-offered") {
      // Someone else took the place: the times again, as they are now.
      const byDay = await ensureDays(true);
      showOnNextStep(error);
      refreshed = true;
      goTo(byDay.has(state.day) ? 2 : 1);
      return;
    }
    showStepProblem(form, error, { steps, step, goTo }, stepOf);
  }
}

function receiptView(main: HTMLElement, { answer, ics }: { answer: Booked; ics: string }): void {
  add(
    main,
    h(
      "div",
      { class: "receipt" },
      receiptHeader("appointments.receiptTitle", "appointments.receiptText"),
      h(
        "dl",
        { class: "row" },
        h("dt", { class: "col-sm-4" }, t("appointments.reference")),
        h("dd", { class: "col-sm-8 font-monospace", "data-testid": "reference" }, answer.reference),
        summaryRow("appointments.service", serviceName(answer.service)),
        summaryRow("appointments.branch", answer.branch.name),
        summaryRow("appointments.address", addressText(answer.branch.address)),
        summaryRow("appointments.when", slotText(answer)),
      ),
      localTimeNote(),
      h(
        "p",
        {},
        h(
          "a",
          {
            class: "btn btn-primary me-2",
            href: ics,
            download: `appuntamento-${answer.reference}.ics`,
            "data-testid": "ics",
          },
          t("appointments.ics"),
        ),
        h("a", { class: "btn btn-outline-primary", href: "/appointments/" }, t("appointments.another")),
      ),
    ),
  );
}

mountPage({
  title: "appointments.title",
  async render(main) {
    if (booked) return receiptView(main, booked);
    let byDay = new Map<string, Slot[]>();
    try {
      branches ??= await loadBranches();
      if (step === 1 || step === 2) byDay = await ensureDays();
    } catch (error) {
      // The service did not answer the lists: said on the page, with the way back to the first step.
      const box = h("div", {});
      add(main, box, h("a", { class: "btn btn-outline-primary", href: "/appointments/" }, t("request.back")));
      showProblem(box, error);
      return;
    }
    const content =
      step === 0
        ? whereStep()
        : step === 1
          ? dayStep(byDay)
          : step === 2
            ? slotStep(byDay)
            : step === 3
              ? personStep()
              : summaryStep();
    refreshed = false;
    stepperForm(main, { steps, step, goTo, beforeNext: () => step !== 1 || byDay.size > 0 }, content, send);
  },
});
