/**
 * Branch: issuance of a dispositivo PIN in person (F9, F13), whose PIN exists only inside the sealed-envelope
 * PDF, opened in a new tab to print; conversion in person (F10) and delegations (F14); the day's appointments
 * with check-in (F18) first, as the desk's day starts there.
 */

import type { Answer } from "../api.ts";
import { documentBody, documentFields, emptyDocument, presentedByFields } from "../documents.ts";
import { add, h } from "../dom.ts";
import { callout, checkbox, input, namedForm, radios, submitButton } from "../forms.ts";
import { t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { operatorBar, operatorCall, operatorFor } from "../operator.ts";
import { openPdf, pdfUrl } from "../pdf.ts";
import {
  contactFields,
  emptyPerson,
  healthCardFields,
  identityFields,
  personBody,
  residenceFields,
} from "../person.ts";
import { branchAppointmentsSection } from "./operator-branch-appointments.ts";
import { branchConversionSection, branchDelegationSection } from "./operator-branch-conversion-delegation.ts";

type Issued = Answer<"branchIssuances">;

const { token, allowed } = operatorFor("branch");
let person = emptyPerson();
let documents = emptyDocument();
const extra = {
  holderKind: "citizen",
  intermediary: { kind: "caf", organisation: "" },
  replaceExisting: false,
};
let issued: { credentialId: string; url: string } | undefined;

function issuanceBody() {
  const { hasItalianIdDocument, ...citizen } = personBody(person);
  return {
    ...citizen,
    hasItalianIdDocument,
    contacts: Object.keys(citizen.contacts).length ? citizen.contacts : undefined,
    ...documentBody(documents),
    holderKind: extra.holderKind,
    intermediary:
      extra.holderKind === "intermediary"
        ? { kind: extra.intermediary.kind, organisation: extra.intermediary.organisation.trim() }
        : undefined,
    replaceExisting: extra.replaceExisting,
  };
}

function redraw(): void {
  void rerender();
}

function issuanceSection(): HTMLElement {
  if (issued) {
    const done = issued;
    return section(
      "operator.branch.issue",
      callout(
        "success",
        h("p", { id: "issued", tabindex: "-1" }, t("operator.branch.issued", { id: done.credentialId })),
        h(
          "a",
          {
            class: "btn btn-primary btn-sm me-2",
            href: done.url,
            target: "_blank",
            rel: "noopener",
            "data-testid": "envelope-link",
          },
          t("operator.branch.openEnvelope"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-primary btn-sm",
            onclick: () => {
              URL.revokeObjectURL(done.url);
              issued = undefined;
              person = emptyPerson();
              documents = emptyDocument();
              redraw();
            },
          },
          t("operator.branch.next"),
        ),
      ),
    );
  }
  return section(
    "operator.branch.issue",
    h("p", {}, t("operator.branch.issueIntro")),
    namedForm(
      "issue-form",
      async () => {
        const result = await operatorCall<Issued>("POST", "/v1/operator/branch-issuances", {
          body: issuanceBody(),
        });
        issued = { credentialId: result.credentialId, url: pdfUrl(result.envelope.base64) };
        openPdf(issued.url);
        await rerender();
        document.getElementById("issued")?.focus();
      },
      h("fieldset", {}, h("legend", { class: "h5" }, t("request.step.personal")), ...identityFields(person)),
      h(
        "fieldset",
        {},
        h("legend", { class: "h5" }, t("request.step.residence")),
        ...residenceFields(person),
      ),
      h(
        "fieldset",
        {},
        h("legend", { class: "h5" }, t("operator.branch.contacts")),
        ...contactFields(person),
        healthCardFields(person),
      ),
      documentFields(documents),
      presentedByFields(documents, redraw),
      h(
        "fieldset",
        {},
        h("legend", { class: "h5" }, t("operator.branch.holderKind")),
        radios(extra, {
          path: "holderKind",
          label: "operator.branch.holderKindLabel",
          inline: true,
          onChange: redraw,
          options: [
            { value: "citizen", label: t("holderKind.citizen") },
            { value: "intermediary", label: t("holderKind.intermediary") },
          ],
        }),
        extra.holderKind === "intermediary"
          ? [
              radios(extra, {
                path: "intermediary.kind",
                label: "operator.branch.intermediaryKind",
                options: (["caf", "patronato", "professional", "employer"] as const).map((k) => ({
                  value: k,
                  label: t(`intermediary.${k}`),
                })),
              }),
              input(extra, {
                path: "intermediary.organisation",
                label: "operator.branch.organisation",
                required: true,
              }),
            ]
          : null,
      ),
      checkbox(extra, {
        path: "replaceExisting",
        label: "operator.branch.replaceExisting",
        hint: "operator.branch.replaceExistingHint",
      }),
      submitButton("operator.branch.submitIssue"),
    ),
  );
}

mountPage({
  title: "operator.branch.title",
  area: "operator",
  render(main) {
    add(main, operatorBar(token, "branch"));
    if (!allowed) {
      add(main, callout("danger", t("operator.notYourGroup")));
      return;
    }
    add(
      main,
      branchAppointmentsSection(),
      issuanceSection(),
      branchConversionSection(),
      branchDelegationSection(),
    );
  },
});
