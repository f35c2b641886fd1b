/** F6 revocation: codice fiscale, health card and an e-mail or PEC address for the 24-hour confirmation link. */
import { call } from "../api.ts";
import { add, h } from "../dom.ts";
import { callout, codiceFiscaleInput, form, input, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";
import { linkAddressBody, linkAddressFields } from "../link-address.ts";

const state = { codiceFiscale: "", healthCard: { number: "", expiryDate: "" }, kind: "email", address: "" };
let sent = false;

mountPage({
  title: "revocation.title",
  render(main) {
    if (sent) {
      add(
        main,
        callout("success", h("p", { class: "mb-0", id: "done", tabindex: "-1" }, t("revocation.sent"))),
      );
      return;
    }
    add(
      main,
      h("p", {}, t("revocation.intro")),
      form(
        async () => {
          await call("POST", "/v1/revocations", {
            body: {
              codiceFiscale: state.codiceFiscale.trim(),
              healthCard: { number: state.healthCard.number.trim(), expiryDate: state.healthCard.expiryDate },
              ...linkAddressBody(state),
            },
          });
          sent = true;
          await rerender();
          document.getElementById("done")?.focus();
        },
        codiceFiscaleInput(state),
        h(
          "div",
          { class: "row" },
          h(
            "div",
            { class: "col-md-6" },
            input(state, {
              path: "healthCard.number",
              label: "person.healthCardNumber",
              hint: "revocation.healthCardHint",
              required: true,
              inputmode: "numeric",
              maxlength: 20,
            }),
          ),
          h(
            "div",
            { class: "col-md-6" },
            input(state, {
              path: "healthCard.expiryDate",
              label: "person.healthCardExpiry",
              type: "date",
              required: true,
            }),
          ),
        ),
        ...linkAddressFields(state),
        submitButton("revocation.submit"),
      ),
    );
  },
});
