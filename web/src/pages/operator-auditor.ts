/** Auditor (and back office): a codice fiscale's audit trail (F16), a page at a time; the read is itself audited. */
import type { Answer } from "../api.ts";
import { eventsTable } from "../citizen.ts";
import { add, h } from "../dom.ts";
import { callout, form, input, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { operatorBar, operatorCall, operatorFor, operatorGroupsOf } from "../operator.ts";

/** Events per page: a screenful to read before moving on. */
const PAGE_SIZE = 10;
const { token, allowed: isAuditor } = operatorFor("auditor");
const allowed = isAuditor || operatorGroupsOf(token).includes("back-office");
const state = { codiceFiscale: "", from: "", to: "" };
let shown:
  | { codiceFiscale: string; page: Answer<"citizenEvents">; cursors: Array<string | undefined> }
  | undefined;

async function load(codiceFiscale: string, cursors: Array<string | undefined>): Promise<void> {
  const page = await operatorCall<Answer<"citizenEvents">>(
    "GET",
    `/v1/operator/citizens/${encodeURIComponent(codiceFiscale)}/events`,
    {
      query: { from: state.from, to: state.to, limit: PAGE_SIZE, cursor: cursors.at(-1) },
    },
  );
  shown = { codiceFiscale, page, cursors };
  await rerender();
  document.getElementById("events-title")?.focus();
}

function results(): HTMLElement | null {
  if (!shown) return null;
  const current = shown;
  const pageNumber = current.cursors.length;
  return h(
    "div",
    {},
    h(
      "h2",
      { class: "h4", id: "events-title", tabindex: "-1" },
      t("operator.auditor.eventsOf", { cf: current.codiceFiscale, page: pageNumber }),
    ),
    current.page.items.length
      ? eventsTable(
          current.page.items,
          t("operator.auditor.eventsOf", { cf: current.codiceFiscale, page: pageNumber }),
        )
      : h("p", {}, t("area.noActivity")),
    h(
      "nav",
      { class: "d-flex gap-2", "aria-label": t("operator.auditor.paging") },
      pageNumber > 1
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-outline-primary btn-sm",
              onclick: () => void load(current.codiceFiscale, current.cursors.slice(0, -1)),
            },
            t("operator.auditor.previous"),
          )
        : null,
      current.page.nextCursor
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-outline-primary btn-sm",
              "data-testid": "next-page",
              onclick: () => void load(current.codiceFiscale, [...current.cursors, current.page.nextCursor]),
            },
            t("operator.auditor.next"),
          )
        : null,
    ),
  );
}

mountPage({
  title: "operator.auditor.title",
  area: "operator",
  render(main) {
    add(main, operatorBar(token, "auditor"));
    if (!allowed) {
      add(main, callout("danger", t("operator.notYourGroup")));
      return;
    }
    add(
      main,
      section(
        "operator.auditor.search",
        form(
          async () => {
            await load(state.codiceFiscale.trim().toUpperCase(), [undefined]);
          },
          input(state, {
            path: "codiceFiscale",
            label: "person.codiceFiscale",
            required: true,
            upper: true,
            maxlength: 16,
          }),
          h(
            "div",
            { class: "row" },
            h(
              "div",
              { class: "col-md-6" },
              input(state, { path: "from", label: "operator.auditor.from", type: "date" }),
            ),
            h(
              "div",
              { class: "col-md-6" },
              input(state, { path: "to", label: "operator.auditor.to", type: "date" }),
            ),
          ),
          submitButton("operator.auditor.submit"),
        ),
      ),
      results(),
    );
  },
});
