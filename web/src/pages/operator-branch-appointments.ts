/**
 * The branch page's day list (F18): a branch's appointments of one day in start order, with names and service,
 * and the arrival recorded by a click (once: a second click, here or at another desk, is 409 already-checked-in).
 */
import type { Answer } from "../api.ts";
import {
  type BranchView,
  defaultTimeZone,
  loadBranches,
  localDate,
  serviceName,
  wallClock,
} from "../appointments.ts";
import { h, replace } from "../dom.ts";
import { form, input, select, showProblem, submitButton } from "../forms.ts";
import { formatDate, t } from "../i18n.ts";
import { section } from "../layout.ts";
import { operatorCall } from "../operator.ts";

type DayAppointment = Answer<"branchAppointmentDays">["items"][number];
type CheckedIn = Answer<"appointmentCheckIns">;

const query = { branchId: "", date: "" };
let branches: BranchView[] = [];
let list: { branchId: string; date: string; items: DayAppointment[] } | undefined;

async function loadDay(): Promise<void> {
  const { items } = await operatorCall<Answer<"branchAppointmentDays">>(
    "GET",
    `/v1/operator/branches/${encodeURIComponent(query.branchId)}/appointments`,
    { query: { date: query.date } },
  );
  list = { branchId: query.branchId, date: query.date, items };
}

function table(holder: HTMLElement, redraw: () => void): HTMLElement {
  if (!list) return h("div", {});
  const current = list;
  const name = branches.find((b) => b.id === current.branchId)?.name ?? current.branchId;
  const checkIn = async (item: DayAppointment, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const answer = await operatorCall<CheckedIn>(
        "POST",
        `/v1/operator/appointments/${encodeURIComponent(item.id)}/check-in`,
      );
      item.checkedInAt = answer.checkedInAt;
      item.status = answer.status;
      redraw();
      holder.querySelector<HTMLElement>(`[data-arrived="${item.id}"]`)?.focus();
    } catch (error) {
      button.disabled = false;
      showProblem(holder, error);
    }
  };
  return h(
    "div",
    { class: "table-responsive" },
    h(
      "table",
      { class: "table appointments-table" },
      h("caption", {}, t("operator.appointments.listOf", { branch: name, date: formatDate(current.date) })),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("operator.appointments.time")),
          h("th", { scope: "col" }, t("operator.appointments.person")),
          h("th", { scope: "col" }, t("appointments.service")),
          h("th", { scope: "col" }, t("appointments.reference")),
          h("th", { scope: "col" }, t("operator.appointments.status")),
        ),
      ),
      h(
        "tbody",
        {},
        current.items.map((item) => {
          const who = `${item.person.surname} ${item.person.givenName}`;
          const button = h(
            "button",
            { type: "button", class: "btn btn-primary btn-xs" },
            t("operator.appointments.checkIn"),
            // Whose arrival, for a screen reader moving from button to button.
            h("span", { class: "visually-hidden" }, `: ${who}`),
          );
          button.addEventListener("click", () => void checkIn(item, button));
          return h(
            "tr",
            { "data-id": item.id },
            h("td", {}, `${wallClock(item.start)}–${wallClock(item.end)}`),
            h(
              "th",
              { scope: "row" },
              who,
              h("br", {}),
              h("span", { class: "font-monospace small" }, item.person.codiceFiscale),
            ),
            h("td", {}, serviceName(item.service)),
            h("td", { class: "font-monospace" }, item.reference ?? ""),
            h(
              "td",
              {},
              item.checkedInAt
                ? h(
                    "span",
                    { "data-arrived": item.id, tabindex: "-1" },
                    t("operator.appointments.checkedIn", { time: arrivalTime(item.checkedInAt) }),
                  )
                : button,
            ),
          );
        }),
      ),
    ),
    current.items.length === 0 ? h("p", {}, t("operator.appointments.empty")) : null,
  );
}

/** `09:02` in the branch's time. */
function arrivalTime(iso: string): string {
  const zone = branches.find((b) => b.id === list?.branchId)?.timeZone ?? defaultTimeZone;
  return new Intl.DateTimeFormat("it-IT", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(
    new Date(iso),
  );
}

/** The section, drawn at once and filled when the branches and the day's list arrive. */
export function branchAppointmentsSection(): HTMLElement {
  const holder = h("div", { class: "appointments-day", id: "appointments-day" });
  const results = h("div", {});
  const redraw = () => replace(results, table(holder, redraw));
  const draw = () =>
    replace(
      holder,
      h("div", { class: "error-summary" }),
      form(
        async () => {
          await loadDay();
          redraw();
        },
        h(
          "div",
          { class: "row" },
          h(
            "div",
            { class: "col-md-6" },
            select(query, {
              path: "branchId",
              label: "appointments.branch",
              required: true,
              options: branches.map((b) => ({ value: b.id, label: b.name })),
            }),
          ),
          h(
            "div",
            { class: "col-md-4" },
            input(query, { path: "date", label: "operator.appointments.date", type: "date", required: true }),
          ),
          h(
            "div",
            { class: "col-md-2 d-flex align-items-start" },
            submitButton("operator.appointments.show"),
          ),
        ),
      ),
      results,
    );
  void (async () => {
    try {
      if (branches.length === 0) branches = await loadBranches();
      query.branchId ||= branches[0]?.id ?? "";
      query.date ||= localDate(branches[0]?.timeZone ?? defaultTimeZone);
      draw();
      if (!list && query.branchId) await loadDay();
      redraw();
    } catch (error) {
      draw();
      showProblem(holder, error);
    }
  })();
  return section("operator.appointments.title", holder);
}
