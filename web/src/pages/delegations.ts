/**
 * F14 delegation of digital identity (route lands with F14): the delegation given (one trusted person) and
 * those received; revoke or renounce; act on the delegator's behalf in a 15-minute delegated session.
 */

import type { Answer } from "../api.ts";
import { branchVisitNote } from "../appointments.ts";
import { citizenCall, requireCitizen } from "../citizen.ts";
import { add, h } from "../dom.ts";
import { callout, form, input, submitButton } from "../forms.ts";
import { formatDate, t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { clearToken, saveToken } from "../session.ts";

type Delegation = Answer<"delegationList">["given"][number];

const state = { delegate: { codiceFiscale: "", surname: "", givenName: "" }, endsOn: "" };
let lists: { given: Delegation[]; received: Delegation[] } | undefined;
let loadFailed = false;
let notice: string | undefined;

async function load(): Promise<void> {
  try {
    lists = await citizenCall<Answer<"delegationList">>("GET", "/v1/delegations");
  } catch {
    loadFailed = true;
  }
}

const name = (p: Delegation["delegator"]) =>
  [p.givenName, p.surname].filter(Boolean).join(" ") || p.codiceFiscale;

async function end(delegation: Delegation, message: string): Promise<void> {
  await citizenCall("DELETE", `/v1/delegations/${encodeURIComponent(delegation.id)}`);
  notice = message;
  await load();
  await rerender();
  document.getElementById("notice")?.focus();
}

async function actFor(delegation: Delegation): Promise<void> {
  const session = await citizenCall<Answer<"delegationSessions">>(
    "POST",
    `/v1/delegations/${encodeURIComponent(delegation.id)}/sessions`,
  );
  saveToken("acting", session.accessToken, session.expiresIn, { delegator: name(delegation.delegator) });
  location.assign("/area/");
}

/** Delegations in force; revoked and ended ones are history, shown in the security activity. */
function table(all: Delegation[], side: "given" | "received"): HTMLElement {
  const items = all.filter((d) => d.status === "active");
  if (!items.length)
    return h("p", {}, t(side === "given" ? "delegations.noneGiven" : "delegations.noneReceived"));
  return h(
    "ul",
    { class: "list-group mb-3" },
    items.map((d) => {
      const other = side === "given" ? d.delegate : d.delegator;
      return h(
        "li",
        { class: "list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2" },
        h(
          "div",
          {},
          h("p", { class: "fw-semibold mb-0" }, `${name(other)} (${other.codiceFiscale})`),
          h(
            "p",
            { class: "small mb-0" },
            t("delegations.period", {
              from: formatDate(d.startsOn),
              to: d.endsOn ? formatDate(d.endsOn) : t("delegations.noEnd"),
            }),
            " · ",
            t(`delegations.kind.${d.kind}`),
          ),
        ),
        h(
          "div",
          { class: "d-flex gap-2" },
          side === "received"
            ? h(
                "button",
                { type: "button", class: "btn btn-primary btn-sm", onclick: () => void actFor(d) },
                t("delegations.actFor"),
              )
            : null,
          h(
            "button",
            {
              type: "button",
              class: "btn btn-outline-danger btn-sm",
              onclick: () =>
                void end(d, t(side === "given" ? "delegations.revoked" : "delegations.renounced")),
            },
            t(side === "given" ? "delegations.revoke" : "delegations.renounce"),
          ),
        ),
      );
    }),
  );
}

requireCitizen();
clearToken("acting");

mountPage({
  title: "delegations.title",
  trail: [{ label: "area.title", href: "/area/" }],
  async render(main) {
    if (!lists && !loadFailed) await load();
    add(main, h("p", {}, t("delegations.intro")), branchVisitNote("delegation"));
    if (notice)
      add(main, callout("success", h("p", { class: "mb-0", id: "notice", tabindex: "-1" }, notice)));
    if (!lists) {
      add(main, callout("danger", t("problem.generic")));
      return;
    }
    add(
      main,
      section("delegations.given", table(lists.given, "given")),
      lists.given.some((d) => d.status === "active")
        ? null
        : section(
            "delegations.new",
            form(
              async () => {
                await citizenCall("POST", "/v1/delegations", {
                  body: {
                    delegate: {
                      codiceFiscale: state.delegate.codiceFiscale.trim(),
                      surname: state.delegate.surname.trim(),
                      givenName: state.delegate.givenName.trim(),
                    },
                    endsOn: state.endsOn || undefined,
                  },
                });
                notice = t("delegations.created");
                await load();
                await rerender();
                document.getElementById("notice")?.focus();
              },
              input(state, {
                path: "delegate.codiceFiscale",
                label: "person.codiceFiscale",
                required: true,
                upper: true,
                maxlength: 16,
              }),
              input(state, { path: "delegate.surname", label: "person.surname", required: true }),
              input(state, { path: "delegate.givenName", label: "person.givenName", required: true }),
              input(state, {
                path: "endsOn",
                label: "delegations.endsOn",
                hint: "delegations.endsOnHint",
                type: "date",
              }),
              submitButton("delegations.submit"),
            ),
          ),
      section("delegations.received", table(lists.received, "received")),
    );
  },
});
