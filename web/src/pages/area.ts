/**
 * F4 / F16 personal area: profile, PIN type and expiry, masked contacts, security activity, a voluntary PIN
 * change with live rules, and the way to applications, conversion and delegations.
 */
import {
  type AuditEvent,
  actingFor,
  citizenCall,
  eventsTable,
  logout,
  type Page,
  type Profile,
  requireCitizen,
} from "../citizen.ts";
import { add, type Child, h, icon } from "../dom.ts";
import { callout, form, input, markField, submitButton } from "../forms.ts";
import { countryName, formatDate, type MessageKey, t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { passkeysSection } from "../passkeys.ts";
import { pinChooser } from "../pin-rules.ts";
import { clearToken } from "../session.ts";

let profile: Profile | undefined;
let events: AuditEvent[] = [];
let nextCursor: string | undefined;
let loadError = false;
let changed: string | undefined;
const pinState = { currentPin: "", newPin: "", confirmPin: "" };

async function load(): Promise<void> {
  try {
    const [me, page] = await Promise.all([
      citizenCall<Profile>("GET", "/v1/me"),
      actingFor()
        ? Promise.resolve({ items: [] } as Page<AuditEvent>)
        : citizenCall<Page<AuditEvent>>("GET", "/v1/me/events", { query: { limit: 10 } }),
    ]);
    profile = me;
    events = page.items;
    nextCursor = page.nextCursor;
  } catch {
    loadError = true;
  }
}

function row(label: MessageKey, value: Child): Child {
  return [h("dt", { class: "col-sm-4" }, t(label)), h("dd", { class: "col-sm-8" }, value)];
}

function daysLeft(iso: string): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - Date.now()) / 86_400_000));
}

function pinSection(me: Profile): HTMLElement {
  const days = daysLeft(me.pinExpiresAt);
  return section(
    "area.pin",
    h(
      "dl",
      { class: "row" },
      row(
        "area.pinType",
        h(
          "span",
          { "data-testid": "pin-type" },
          t(me.pinType === "dispositivo" ? "pinType.dispositivo" : "pinType.ordinario"),
        ),
      ),
      row("area.pinExpires", `${formatDate(me.pinExpiresAt)} (${t("area.daysLeft", { days })})`),
    ),
    h("p", {}, t(me.pinType === "dispositivo" ? "area.dispositivoText" : "area.ordinarioText")),
    me.pinType === "ordinario" && !actingFor()
      ? h("a", { href: "/area/conversion/" }, t("area.convert"))
      : null,
    days <= 30 ? callout("warning", t("area.expiresSoon")) : null,
  );
}

function changePinSection(me: Profile): HTMLElement {
  const chooser = pinChooser(
    { codiceFiscale: me.codiceFiscale, surname: me.surname, givenName: me.givenName },
    pinState,
  );
  return section(
    "area.changePin",
    changed ? callout("success", t("login.changedShort", { date: formatDate(changed) })) : null,
    form(
      async (element) => {
        if (!chooser.acceptable()) {
          const field = element.querySelector<HTMLElement>('[data-path="newPin"]');
          if (field) markField(field, t("pinRules.notYet"));
          return;
        }
        const result = await citizenCall<{ pinExpiresAt: string }>("POST", "/v1/pin-changes", {
          body: { currentPin: pinState.currentPin, newPin: chooser.value() },
        });
        Object.assign(pinState, { currentPin: "", newPin: "", confirmPin: "" });
        changed = result.pinExpiresAt;
        profile = await citizenCall<Profile>("GET", "/v1/me");
        await rerender();
      },
      input(pinState, {
        path: "currentPin",
        label: "area.currentPin",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
      chooser.element,
      submitButton("area.changePinSubmit"),
    ),
  );
}

function servicesSection(): HTMLElement {
  const card = (href: string, title: MessageKey, text: MessageKey, iconName: string) =>
    h(
      "div",
      { class: "col-md-4 mb-3" },
      h(
        "div",
        { class: "card card-bg h-100" },
        h(
          "div",
          { class: "card-body" },
          h(
            "h3",
            { class: "card-title h5" },
            icon(iconName, "icon-primary me-1"),
            h("a", { href }, t(title)),
          ),
          h("p", { class: "card-text" }, t(text)),
        ),
      ),
    );
  return section(
    "area.services",
    h(
      "div",
      { class: "row" },
      card("/area/applications/", "applications.title", "area.applicationsText", "it-file"),
      actingFor() ? null : card("/area/conversion/", "conversion.title", "area.conversionText", "it-upload"),
      actingFor() ? null : card("/area/delegations/", "delegations.title", "area.delegationsText", "it-user"),
    ),
  );
}

function activitySection(): HTMLElement {
  return section(
    "area.activity",
    h("p", {}, t("area.activityText")),
    events.length ? eventsTable(events, t("area.activity")) : h("p", {}, t("area.noActivity")),
    nextCursor
      ? h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-primary btn-sm",
            onclick: async () => {
              const page = await citizenCall<Page<AuditEvent>>("GET", "/v1/me/events", {
                query: { limit: 10, cursor: nextCursor },
              });
              events = [...events, ...page.items];
              nextCursor = page.nextCursor;
              await rerender();
            },
          },
          t("area.moreActivity"),
        )
      : null,
  );
}

requireCitizen();

mountPage({
  title: "area.title",
  async render(main) {
    if (!profile && !loadError) await load();
    if (!profile) {
      add(main, callout("danger", t("problem.generic")));
      return;
    }
    const me = profile;
    const delegator = actingFor();
    add(
      main,
      delegator
        ? callout(
            "warning",
            h("p", { class: "mb-2" }, t("area.actingFor", { name: `${me.givenName} ${me.surname}` })),
            h(
              "button",
              {
                type: "button",
                class: "btn btn-outline-primary btn-sm",
                onclick: () => {
                  clearToken("acting");
                  location.assign("/area/delegations/");
                },
              },
              t("area.stopActing"),
            ),
          )
        : null,
      h(
        "div",
        { class: "d-flex justify-content-between align-items-center mb-3" },
        h("p", { class: "lead mb-0" }, t("area.welcome", { name: `${me.givenName} ${me.surname}` })),
        h(
          "button",
          { type: "button", class: "btn btn-outline-primary btn-sm", onclick: logout },
          t("area.logout"),
        ),
      ),
      section(
        "area.profile",
        h(
          "dl",
          { class: "row" },
          row("person.codiceFiscale", h("span", { "data-testid": "codice-fiscale" }, me.codiceFiscale)),
          row("person.surname", me.surname),
          row("person.givenName", me.givenName),
          row("person.birthDate", formatDate(me.birthDate)),
          row("area.residence", `${me.residence.city}, ${countryName(me.residence.countryCode)}`),
          row(
            "area.holderKind",
            t(me.holderKind === "intermediary" ? "holderKind.intermediary" : "holderKind.citizen"),
          ),
        ),
      ),
      pinSection(me),
      section(
        "area.contacts",
        h("p", {}, t("area.contactsText")),
        h(
          "dl",
          { class: "row" },
          row("person.mobile", me.contacts.mobile ?? "—"),
          row("person.email", me.contacts.email ?? "—"),
          row("person.pec", me.contacts.pec ?? "—"),
        ),
      ),
      servicesSection(),
      delegator ? null : activitySection(),
      delegator ? null : await passkeysSection(),
      delegator ? null : changePinSection(me),
    );
  },
});
