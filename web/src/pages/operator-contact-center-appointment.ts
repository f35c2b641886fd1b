/**
 * The contact center's booking for a caller (F18, `POST /v1/operator/appointments`): the same choices as the
 * citizen's stepper on one form (service, branch, day, free time, person, contact), the reference and time to
 * read out afterwards. Day and time lists follow the choices above them, redrawn in place.
 */
import { ApiError, newIdempotencyKey } from "../api.ts";
import {
  type Booked,
  type BranchView,
  bookingBody,
  contactChoice,
  dayName,
  emptyBooking,
  freeDays,
  isService,
  loadBranches,
  type Slot,
  serviceName,
  slotText,
  wallClock,
} from "../appointments.ts";
import { h, live } from "../dom.ts";
import { callout, namedForm, select, showProblem, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { rerender, section } from "../layout.ts";
import { operatorCall } from "../operator.ts";
import { personRefFields } from "../person.ts";

let state = emptyBooking();
let branches: BranchView[] = [];
let byDay = new Map<string, Slot[]>();
let booked: Booked | undefined;
let idempotency: { key: string; body: string } | undefined;

function timeSelect(): HTMLElement {
  return select(state, {
    path: "start",
    label: "appointments.step.slot",
    required: true,
    placeholder: "appointments.step.slot",
    options: (byDay.get(state.day) ?? []).map((s) => ({
      value: s.start,
      label: `${wallClock(s.start)}–${wallClock(s.end)} (${t("appointments.slotFree", { count: s.free })})`,
    })),
  });
}

/** Day and time: reloaded when service or branch changes, the times when the day does. */
function slotPart(): HTMLElement {
  const times = live(timeSelect);
  const days = live(() =>
    select(state, {
      path: "day",
      label: "appointments.step.day",
      required: true,
      placeholder: "appointments.step.day",
      options: [...byDay].map(([day, slots]) => ({
        value: day,
        label: `${dayName(day)} (${t("appointments.dayFree", { count: slots.length })})`,
      })),
      onChange: () => {
        state.start = "";
        times.redraw();
      },
    }),
  );
  const holder = h(
    "div",
    { class: "row" },
    h("div", { class: "col-md-6" }, days.element),
    h("div", { class: "col-md-6" }, times.element),
  );
  const reload = async () => {
    const branch = branches.find((b) => b.id === state.branchId);
    byDay = branch && isService(state.service) ? await freeDays(branch, state.service) : new Map();
    if (!byDay.has(state.day)) state.day = "";
    state.start = "";
    days.redraw();
    times.redraw();
  };
  (holder as HTMLElement & { reload?: () => Promise<void> }).reload = reload;
  return holder;
}

function bookingForm(): HTMLElement {
  const slots = slotPart();
  const reload = () => {
    void (slots as HTMLElement & { reload: () => Promise<void> }).reload().catch((error) => {
      showProblem(slots.closest("form") as HTMLElement, error);
    });
  };
  return namedForm(
    "appointment-form",
    async (form) => {
      const body = bookingBody(state);
      const serialised = JSON.stringify(body);
      if (idempotency?.body !== serialised) idempotency = { key: newIdempotencyKey(), body: serialised };
      try {
        booked = await operatorCall<Booked>("POST", "/v1/operator/appointments", {
          body,
          idempotencyKey: idempotency.key,
        });
      } catch (error) {
        const code = error instanceof ApiError ? error.problem.code : "";
        if (code === "slot-full" || code === "slot-not-offered") reload();
        showProblem(form, error);
        return;
      }
      idempotency = undefined;
      await rerender();
      document.getElementById("appointment-booked")?.focus();
    },
    h(
      "div",
      { class: "row" },
      h(
        "div",
        { class: "col-md-6" },
        select(state, {
          path: "service",
          label: "appointments.service",
          required: true,
          placeholder: "appointments.service",
          options: ["pin-issuance", "pin-conversion", "delegation"].map((s) => ({
            value: s,
            label: serviceName(s),
          })),
          onChange: reload,
        }),
      ),
      h(
        "div",
        { class: "col-md-6" },
        select(state, {
          path: "branchId",
          label: "appointments.branch",
          required: true,
          placeholder: "appointments.branchChoose",
          options: branches.map((b) => ({ value: b.id, label: b.name })),
          onChange: reload,
        }),
      ),
    ),
    slots,
    ...personRefFields(state, "person"),
    ...contactChoice(state),
    submitButton("operator.cc.bookSubmit"),
  );
}

/** The section; the branches are loaded once, before it is first drawn. */
export async function callerAppointmentSection(): Promise<HTMLElement> {
  if (booked) {
    const done = booked;
    return section(
      "operator.cc.book",
      callout(
        "success",
        h(
          "p",
          { id: "appointment-booked", tabindex: "-1", "data-testid": "appointment-booked" },
          t("operator.cc.booked", {
            reference: done.reference,
            when: slotText(done),
            service: serviceName(done.service),
          }),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-primary btn-sm",
            onclick: () => {
              booked = undefined;
              state = emptyBooking();
              byDay = new Map();
              void rerender();
            },
          },
          t("operator.cc.bookAnother"),
        ),
      ),
    );
  }
  if (branches.length === 0) {
    try {
      branches = await loadBranches();
    } catch (error) {
      const box = section("operator.cc.book");
      showProblem(box, error);
      return box;
    }
  }
  return section("operator.cc.book", h("p", {}, t("operator.cc.bookIntro")), bookingForm());
}
