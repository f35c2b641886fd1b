/**
 * F17 on the contact center's page: revoke for a caller without a health card. The operator asks the caller's
 * birth date, place of birth and the country and postal code of residence; the service checks them against the
 * record and sends the F6 confirmation link to the address given (the caller confirms it, not the operator).
 */
import type { Answer } from "./api.ts";
import { countryOptions } from "./countries.ts";
import { h } from "./dom.ts";
import { callout, codiceFiscaleInput, input, namedForm, select, submitButton } from "./forms.ts";
import { t } from "./i18n.ts";
import { rerender, section } from "./layout.ts";
import { linkAddressBody, linkAddressFields } from "./link-address.ts";
import { operatorCall } from "./operator.ts";
import { placePicker } from "./place-picker.ts";

type LinkSent = Answer<"operatorRevocations">;

const emptyState = () => ({
  codiceFiscale: "",
  answers: {
    birthDate: "",
    birthPlace: "",
    birthPlaceCode: "",
    residence: { countryCode: "", postalCode: "" },
  },
  kind: "email",
  address: "",
});
let state = emptyState();
let sent: LinkSent | undefined;

export function callerRevocationSection(): HTMLElement {
  const outcome = sent
    ? callout(
        "success",
        h(
          "p",
          { class: "mb-0", id: "caller-revocation-outcome", tabindex: "-1" },
          t("operator.cc.revocationSent", {
            channel: t(`channel.${sent.sentTo.channel}`),
            to: sent.sentTo.masked,
          }),
        ),
      )
    : null;
  const { answers } = state;
  return section(
    "operator.cc.revoke",
    h("p", {}, t("operator.cc.revokeIntro")),
    outcome,
    namedForm(
      "caller-revocation-form",
      async () => {
        sent = await operatorCall<LinkSent>("POST", "/v1/operator/revocations", {
          body: {
            codiceFiscale: state.codiceFiscale.trim(),
            answers: {
              birthDate: answers.birthDate,
              birthPlaceCode: answers.birthPlaceCode,
              residence: {
                countryCode: answers.residence.countryCode,
                postalCode: answers.residence.postalCode.trim(),
              },
            },
            ...linkAddressBody(state),
          },
        });
        state = emptyState();
        await rerender();
        document.getElementById("caller-revocation-outcome")?.focus();
      },
      codiceFiscaleInput(state),
      h(
        "fieldset",
        {},
        h("legend", { class: "h6" }, t("operator.cc.revokeAnswers")),
        h(
          "div",
          { class: "row" },
          h(
            "div",
            { class: "col-md-6" },
            input(state, {
              path: "answers.birthDate",
              label: "person.birthDate",
              type: "date",
              required: true,
            }),
          ),
          h("div", { class: "col-md-6" }, placePicker(answers).element),
        ),
        h(
          "div",
          { class: "row" },
          h(
            "div",
            { class: "col-md-6" },
            select(state, {
              path: "answers.residence.countryCode",
              label: "person.country",
              required: true,
              placeholder: "person.countryChoose",
              options: countryOptions(),
            }),
          ),
          h(
            "div",
            { class: "col-md-6" },
            input(state, {
              path: "answers.residence.postalCode",
              label: "person.postalCode",
              required: true,
            }),
          ),
        ),
      ),
      ...linkAddressFields(state),
      submitButton("operator.cc.submitRevoke"),
    ),
  );
}
