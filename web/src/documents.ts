/** The identity document an operator checked (docs/product/http-api.md#route-contracts) and who stands at the counter. */
import { countryOptions } from "./countries.ts";
import { h } from "./dom.ts";
import { checkbox, input, radios, type State, select } from "./forms.ts";
import { t } from "./i18n.ts";

export interface DocumentState extends State {
  identityDocument: { kind: string; number: string; issuingCountry: string; expiryDate: string };
  presentedBy: { kind: string; codiceFiscale: string; selfCertification: boolean; appointment: string };
}

export function emptyDocument(): DocumentState {
  return {
    identityDocument: { kind: "passport", number: "", issuingCountry: "", expiryDate: "" },
    presentedBy: { kind: "holder", codiceFiscale: "", selfCertification: false, appointment: "" },
  };
}

export function documentFields(state: DocumentState): HTMLElement {
  return h(
    "fieldset",
    {},
    h("legend", { class: "h5" }, t("document.title")),
    select(state, {
      path: "identityDocument.kind",
      label: "document.kind",
      required: true,
      options: (["passport", "identity-card", "driving-licence", "residence-permit"] as const).map((k) => ({
        value: k,
        label: t(`document.kind.${k}`),
      })),
    }),
    input(state, { path: "identityDocument.number", label: "document.number", required: true, upper: true }),
    select(state, {
      path: "identityDocument.issuingCountry",
      label: "document.issuingCountry",
      required: true,
      placeholder: "person.countryChoose",
      options: countryOptions(),
    }),
    input(state, {
      path: "identityDocument.expiryDate",
      label: "document.expiryDate",
      type: "date",
      required: true,
    }),
  );
}

/** Who presents the request; `onChange` redraws the page so the fields of the chosen kind appear. */
export function presentedByFields(state: DocumentState, onChange: () => void): HTMLElement {
  const kind = state.presentedBy.kind;
  return h(
    "fieldset",
    {},
    h("legend", { class: "h5" }, t("presentedBy.title")),
    radios(state, {
      path: "presentedBy.kind",
      label: "presentedBy.who",
      onChange,
      options: (["holder", "parent", "guardian", "delegate"] as const).map((k) => ({
        value: k,
        label: t(`presentedBy.${k}`),
      })),
    }),
    kind === "parent" || kind === "guardian"
      ? input(state, {
          path: "presentedBy.codiceFiscale",
          label: "presentedBy.codiceFiscale",
          required: true,
          upper: true,
          maxlength: 16,
        })
      : null,
    kind === "parent"
      ? checkbox(state, { path: "presentedBy.selfCertification", label: "presentedBy.selfCertification" })
      : null,
    kind === "guardian"
      ? input(state, { path: "presentedBy.appointment", label: "presentedBy.appointment", required: true })
      : null,
    kind === "delegate" ? h("p", { class: "form-text" }, t("presentedBy.delegateRefused")) : null,
  );
}

export function documentBody(state: DocumentState) {
  const p = state.presentedBy;
  return {
    identityDocument: {
      kind: state.identityDocument.kind,
      number: state.identityDocument.number.trim(),
      issuingCountry: state.identityDocument.issuingCountry,
      expiryDate: state.identityDocument.expiryDate,
    },
    presentedBy:
      p.kind === "parent"
        ? { kind: "parent", codiceFiscale: p.codiceFiscale.trim(), selfCertification: p.selfCertification }
        : p.kind === "guardian"
          ? { kind: "guardian", codiceFiscale: p.codiceFiscale.trim(), appointment: p.appointment.trim() }
          : { kind: p.kind },
  };
}
