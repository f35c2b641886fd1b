/**
 * F11 applications (route lands with F11): submit a benefit application and follow its state; with an
 * ordinario PIN it is accepted as suspended until the PIN is converted. Also in a delegated session (F14).
 */
import { type Answer, newIdempotencyKey } from "../api.ts";
import { actingFor, citizenCall, requireCitizen } from "../citizen.ts";
import { add, h } from "../dom.ts";
import { callout, form, select, submitButton } from "../forms.ts";
import { formatDateTime, t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";

type Application = Answer<"applicationList">["items"][number];

const benefits = ["naspi", "assegno-unico", "pensione-anticipata", "bonus-nido", "dis-coll"] as const;
const state = { benefit: "naspi", note: "" };
let items: Application[] | undefined;
let loadFailed = false;
let submitted: Application | undefined;
let idempotency: { key: string; body: string } | undefined;

async function load(): Promise<void> {
  try {
    items = (await citizenCall<Answer<"applicationList">>("GET", "/v1/applications")).items;
  } catch {
    loadFailed = true;
  }
}

function statusBadge(status: Application["status"]): HTMLElement {
  return h(
    "span",
    { class: `badge ${status === "accepted" ? "bg-success" : "bg-warning text-dark"}` },
    t(`applications.status.${status}`),
  );
}

requireCitizen();

mountPage({
  title: "applications.title",
  trail: [{ label: "area.title", href: "/area/" }],
  async render(main) {
    if (!items && !loadFailed) await load();
    const delegator = actingFor();
    if (delegator) add(main, callout("warning", t("applications.onBehalf")));
    add(
      main,
      h("p", {}, t("applications.intro")),
      submitted
        ? callout(
            submitted.status === "accepted" ? "success" : "warning",
            h(
              "p",
              { class: "mb-1", id: "submitted", tabindex: "-1" },
              t("applications.sent", { protocol: submitted.protocolNumber }),
            ),
            h(
              "p",
              { class: "mb-0" },
              t(submitted.status === "accepted" ? "applications.acceptedText" : "applications.suspendedText"),
            ),
          )
        : null,
      section(
        "applications.new",
        form(
          async () => {
            const body = {
              benefit: state.benefit,
              details: state.note.trim() ? { note: state.note.trim() } : undefined,
            };
            const serialised = JSON.stringify(body);
            if (idempotency?.body !== serialised)
              idempotency = { key: newIdempotencyKey(), body: serialised };
            submitted = await citizenCall<Answer<"applications">>("POST", "/v1/applications", {
              body,
              idempotencyKey: idempotency.key,
            });
            idempotency = undefined;
            state.note = "";
            await load();
            await rerender();
            document.getElementById("submitted")?.focus();
          },
          select(state, {
            path: "benefit",
            label: "applications.benefit",
            required: true,
            options: benefits.map((b) => ({ value: b, label: t(`benefit.${b}`) })),
          }),
          noteField(),
          submitButton("applications.submit"),
        ),
      ),
      section(
        "applications.list",
        loadFailed
          ? callout("danger", t("problem.generic"))
          : items?.length
            ? h(
                "div",
                { class: "table-responsive" },
                h(
                  "table",
                  { class: "table table-sm" },
                  h("caption", { class: "visually-hidden" }, t("applications.list")),
                  h(
                    "thead",
                    {},
                    h(
                      "tr",
                      {},
                      h("th", { scope: "col" }, t("applications.protocol")),
                      h("th", { scope: "col" }, t("applications.benefit")),
                      h("th", { scope: "col" }, t("applications.statusLabel")),
                      h("th", { scope: "col" }, t("applications.submittedAt")),
                      h("th", { scope: "col" }, t("applications.acceptedAt")),
                    ),
                  ),
                  h(
                    "tbody",
                    {},
                    items.map((a) =>
                      h(
                        "tr",
                        {},
                        h("td", { class: "font-monospace" }, a.protocolNumber),
                        h("td", {}, t(`benefit.${a.benefit as "naspi"}`)),
                        h("td", {}, statusBadge(a.status)),
                        h("td", {}, formatDateTime(a.submittedAt)),
                        h("td", {}, a.acceptedAt ? formatDateTime(a.acceptedAt) : "—"),
                      ),
                    ),
                  ),
                ),
              )
            : h("p", {}, t("applications.none")),
      ),
    );
  },
});

function noteField(): HTMLElement {
  const area = h("textarea", {
    class: "form-control",
    id: "application-note",
    name: "details.note",
    rows: 3,
    maxlength: 2000,
  });
  area.value = state.note;
  area.addEventListener("input", () => {
    state.note = area.value;
  });
  return h(
    "div",
    { class: "form-group", "data-path": "details" },
    h("label", { for: "application-note", class: "active" }, t("applications.note")),
    area,
  );
}
