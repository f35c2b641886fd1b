/**
 * The branch page's sections for conversion to dispositivo in person and for delegations entered at the counter
 * (docs/product/http-api.md#route-contracts, F10 and F14).
 */

import { documentBody, documentFields, emptyDocument, presentedByFields } from "../documents.ts";
import { h } from "../dom.ts";
import { callout, form, input, select, submitButton } from "../forms.ts";
import { formatDate, t } from "../i18n.ts";
import { rerender, section } from "../layout.ts";
import { operatorCall } from "../operator.ts";

const conversion = { codiceFiscale: "", ...emptyDocument() };
let converted: string | undefined;

export function branchConversionSection(): HTMLElement {
  return section(
    "operator.branch.convert",
    h("p", {}, t("operator.branch.convertIntro")),
    converted
      ? callout(
          "success",
          h(
            "p",
            { class: "mb-0", id: "converted", tabindex: "-1" },
            t("operator.branch.converted", { cf: converted }),
          ),
        )
      : null,
    form(
      async () => {
        await operatorCall("POST", "/v1/operator/branch-conversions", {
          body: { codiceFiscale: conversion.codiceFiscale.trim(), ...documentBody(conversion) },
        });
        converted = conversion.codiceFiscale.trim().toUpperCase();
        await rerender();
        document.getElementById("converted")?.focus();
      },
      input(conversion, {
        path: "codiceFiscale",
        label: "person.codiceFiscale",
        required: true,
        upper: true,
        maxlength: 16,
      }),
      documentFields(conversion),
      presentedByFields(conversion, () => void rerender()),
      submitButton("operator.branch.submitConvert"),
    ),
  );
}

const delegation = {
  delegator: { codiceFiscale: "", surname: "", givenName: "" },
  delegate: { codiceFiscale: "", surname: "", givenName: "" },
  kind: "ordinary",
  endsOn: "",
};
let registered: { id: string; startsOn: string } | undefined;

function personTriple(prefix: "delegator" | "delegate"): HTMLElement[] {
  return [
    input(delegation, {
      path: `${prefix}.codiceFiscale`,
      label: "person.codiceFiscale",
      required: true,
      upper: true,
      maxlength: 16,
    }),
    input(delegation, { path: `${prefix}.surname`, label: "person.surname", required: true }),
    input(delegation, { path: `${prefix}.givenName`, label: "person.givenName", required: true }),
  ];
}

export function branchDelegationSection(): HTMLElement {
  return section(
    "operator.branch.delegate",
    h("p", {}, t("operator.branch.delegateIntro")),
    registered
      ? callout(
          "success",
          h(
            "p",
            { class: "mb-0", id: "delegated", tabindex: "-1" },
            t("operator.branch.delegated", { id: registered.id, date: formatDate(registered.startsOn) }),
          ),
        )
      : null,
    form(
      async () => {
        const trim = (p: typeof delegation.delegate) => ({
          codiceFiscale: p.codiceFiscale.trim(),
          surname: p.surname.trim(),
          givenName: p.givenName.trim(),
        });
        registered = await operatorCall<{ id: string; startsOn: string }>(
          "POST",
          "/v1/operator/delegations",
          {
            body: {
              delegator: trim(delegation.delegator),
              delegate: trim(delegation.delegate),
              kind: delegation.kind,
              endsOn: delegation.endsOn || undefined,
            },
          },
        );
        await rerender();
        document.getElementById("delegated")?.focus();
      },
      h(
        "fieldset",
        {},
        h("legend", { class: "h5" }, t("delegations.delegator")),
        ...personTriple("delegator"),
      ),
      h("fieldset", {}, h("legend", { class: "h5" }, t("delegations.delegate")), ...personTriple("delegate")),
      select(delegation, {
        path: "kind",
        label: "delegations.kind",
        options: (["ordinary", "guardian", "parent"] as const).map((k) => ({
          value: k,
          label: t(`delegations.kind.${k}`),
        })),
      }),
      input(delegation, {
        path: "endsOn",
        label: "delegations.endsOn",
        hint: "delegations.endsOnHint",
        type: "date",
      }),
      submitButton("operator.branch.submitDelegate"),
    ),
  );
}
