/** F6 revocation: codice fiscale, health card and an e-mail or PEC address for the 24-hour confirmation link. */
import { call } from "../api.ts";
import { add, h } from "../dom.ts";
import { callout, form, input, radios, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender } from "../layout.ts";

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
              [state.kind === "pec" ? "pec" : "email"]: state.address.trim(),
            },
          });
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
        radios(state, {
          path: "kind",
          label: "revocation.addressKind",
          inline: true,
          onChange: () =>
            void rerender().then(() =>
              document.querySelector<HTMLElement>("input[type=radio]:checked")?.focus(),
            ),
          options: [
            { value: "email", label: t("channel.email") },
            { value: "pec", label: t("channel.pec") },
          ],
        }),
        input(state, {
          path: state.kind === "pec" ? "pec" : "email",
          statePath: "address",
          label: "revocation.address",
          hint: "revocation.addressHint",
          type: "email",
          required: true,
        }),
        submitButton("revocation.submit"),
      ),
    );
  },
});
