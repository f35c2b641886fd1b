/** F5 recovery: codice fiscale and two registered contacts; a 24-hour link follows by e-mail or PEC. */
import { call } from "../api.ts";
import { add, h } from "../dom.ts";
import { callout, form, input, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";

const state = { codiceFiscale: "", mobile: "", email: "", pec: "" };
let sent = false;

mountPage({
  title: "recovery.title",
  trail: [],
  render(main) {
    if (sent) {
      add(
        main,
        callout("success", h("p", { class: "mb-0", id: "done", tabindex: "-1" }, t("recovery.sent"))),
      );
      return;
    }
    add(
      main,
      h("p", {}, t("recovery.intro")),
      form(
        async () => {
          const body = Object.fromEntries(
            Object.entries(state)
              .map(([k, v]) => [k, k === "mobile" ? v.replace(/[\s().-]/g, "") : v.trim()])
              .filter(([, v]) => v !== ""),
          );
          await call("POST", "/v1/recoveries", { body });
          sent = true;
          await rerender();
          document.getElementById("done")?.focus();
        },
        input(state, {
          path: "codiceFiscale",
          label: "person.codiceFiscale",
          required: true,
          upper: true,
          maxlength: 16,
          spellcheck: false,
        }),
        h("p", { class: "fw-semibold" }, t("recovery.twoContacts")),
        input(state, {
          path: "mobile",
          label: "person.mobile",
          type: "tel",
          hint: "person.mobileHint",
          autocomplete: "tel",
        }),
        input(state, { path: "email", label: "person.email", type: "email", autocomplete: "email" }),
        input(state, { path: "pec", label: "person.pec", type: "email" }),
        submitButton("recovery.submit"),
      ),
      h(
        "p",
        { class: "mt-4" },
        t("recovery.neverUsed"),
        " ",
        h("a", { href: "/revocation/" }, t("revocation.title")),
      ),
    );
  },
});
