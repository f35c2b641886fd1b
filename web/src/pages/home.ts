/** The service's home: what the PIN is, who can have one, and the way to each citizen service. */
import { add, h, icon } from "../dom.ts";
import { callout } from "../forms.ts";
import { type MessageKey, t } from "../i18n.ts";
import { mountPage } from "../layout.ts";

function card(href: string, title: MessageKey, text: MessageKey, iconName: string): HTMLElement {
  return h(
    "div",
    { class: "col-md-6 col-lg-4 mb-4" },
    h(
      "div",
      { class: "card card-bg h-100" },
      h(
        "div",
        { class: "card-body" },
        h("h2", { class: "card-title h5" }, icon(iconName, "icon-primary me-2"), h("a", { href }, t(title))),
        h("p", { class: "card-text" }, t(text)),
      ),
    ),
  );
}

mountPage({
  title: "home.title",
  render(main) {
    add(
      main,
      h("p", { class: "lead" }, t("home.lead")),
      callout("info", t("home.eligibility")),
      h(
        "div",
        { class: "row mt-4" },
        card("/request/", "request.title", "home.requestText", "it-plus-circle"),
        card("/login/", "login.title", "home.loginText", "it-key"),
        card("/area/", "area.title", "home.areaText", "it-user"),
        card("/recovery/", "recovery.title", "home.recoveryText", "it-refresh"),
        card("/revocation/", "revocation.title", "home.revocationText", "it-ban"),
        card("/phone-pin/", "phonePin.title", "home.phonePinText", "it-telephone"),
        card("/appointments/", "appointments.title", "home.appointmentsText", "it-calendar"),
      ),
    );
  },
});
