/**
 * Contact center: a PIN request by phone (F8) whose part A is shown once, to be read out; adding a contact
 * (F7); checking a caller's phone PIN (F12); revoking for a caller without health card (F17); booking a branch
 * appointment for a caller (F18).
 */
import { type Answer, newIdempotencyKey } from "../api.ts";
import { callerRevocationSection } from "../caller-revocation.ts";
import { add, h } from "../dom.ts";
import { callout, input, namedForm, select, submitButton } from "../forms.ts";
import { countryName, t } from "../i18n.ts";
import { mountPage, rerender, section } from "../layout.ts";
import { operatorBar, operatorCall, operatorFor } from "../operator.ts";
import {
  contactFields,
  emptyPerson,
  healthCardFields,
  identityFields,
  partAChannelField,
  pinRequestBody,
  residenceFields,
} from "../person.ts";
import { callerAppointmentSection } from "./operator-contact-center-appointment.ts";

type Accepted = Answer<"operatorPinRequests">;

const { token, allowed } = operatorFor("contact-center");
let person = emptyPerson();
let idempotency: { key: string; body: string } | undefined;
let accepted: Accepted | undefined;
/** Part A stays in memory only until the operator says it was read out. */
let partA: string | undefined;
const contactState = { codiceFiscale: "", contact: { kind: "mobile", value: "" } };
let contactsAfter: Record<string, string> | undefined;
const verifyState = { codiceFiscale: "", phonePin: "" };
let verdict: boolean | undefined;

function requestSection(): HTMLElement {
  const outcome = accepted
    ? h(
        "div",
        { class: "mb-4", id: "request-outcome", tabindex: "-1" },
        partA
          ? callout(
              "warning",
              h("p", { class: "mb-1" }, t("operator.cc.partAReadOut")),
              h(
                "p",
                { class: "display-6 font-monospace mb-2", "data-testid": "part-a" },
                partA.replace(/(.{4})/, "$1 "),
              ),
              h(
                "button",
                {
                  type: "button",
                  class: "btn btn-primary btn-sm",
                  onclick: () => {
                    partA = undefined;
                    void rerender().then(() => document.getElementById("request-outcome")?.focus());
                  },
                },
                t("operator.cc.partADone"),
              ),
            )
          : callout("success", t("operator.cc.partAGone")),
        h(
          "p",
          {},
          t("operator.cc.accepted", {
            id: accepted.requestId,
            channel: t(`channel.${accepted.partASentTo.channel}`),
            to: accepted.partASentTo.masked,
            city: accepted.letter.sentTo.city,
            country: countryName(accepted.letter.sentTo.countryCode),
          }),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-outline-primary btn-sm",
            onclick: () => {
              accepted = undefined;
              partA = undefined;
              person = emptyPerson();
              void rerender();
            },
          },
          t("operator.cc.newRequest"),
        ),
      )
    : null;
  return section(
    "operator.cc.request",
    h("p", {}, t("operator.cc.requestIntro")),
    outcome ??
      namedForm(
        "request-form",
        async () => {
          const body = pinRequestBody(person);
          const serialised = JSON.stringify(body);
          if (idempotency?.body !== serialised) idempotency = { key: newIdempotencyKey(), body: serialised };
          accepted = await operatorCall<Accepted>("POST", "/v1/operator/pin-requests", {
            body,
            idempotencyKey: idempotency.key,
          });
          partA = accepted.partA;
          idempotency = undefined;
          await rerender();
          document.getElementById("request-outcome")?.focus();
        },
        h(
          "fieldset",
          {},
          h("legend", { class: "h5" }, t("request.step.personal")),
          ...identityFields(person),
        ),
        h(
          "fieldset",
          {},
          h("legend", { class: "h5" }, t("request.step.residence")),
          ...residenceFields(person),
        ),
        h(
          "fieldset",
          {},
          h("legend", { class: "h5" }, t("request.step.contacts")),
          ...contactFields(person),
          partAChannelField(person),
          healthCardFields(person),
        ),
        submitButton("operator.cc.submitRequest"),
      ),
  );
}

function contactSection(): HTMLElement {
  return section(
    "operator.cc.addContact",
    contactsAfter
      ? callout(
          "success",
          h("p", { class: "mb-1", id: "contact-outcome", tabindex: "-1" }, t("operator.cc.contactAdded")),
          h(
            "ul",
            { class: "mb-0" },
            Object.entries(contactsAfter).map(([kind, masked]) =>
              h("li", {}, `${t(`contactKind.${kind as "mobile"}`)}: ${masked}`),
            ),
          ),
        )
      : null,
    namedForm(
      "contact-form",
      async () => {
        const result = await operatorCall<Answer<"operatorContacts">>("POST", "/v1/operator/contacts", {
          body: {
            codiceFiscale: contactState.codiceFiscale.trim(),
            contact: { kind: contactState.contact.kind, value: contactState.contact.value.trim() },
          },
        });
        contactsAfter = result.contacts;
        contactState.contact.value = "";
        await rerender();
        document.getElementById("contact-outcome")?.focus();
      },
      input(contactState, {
        path: "codiceFiscale",
        label: "person.codiceFiscale",
        required: true,
        upper: true,
        maxlength: 16,
      }),
      select(contactState, {
        path: "contact.kind",
        label: "operator.cc.contactKind",
        options: (["mobile", "email", "pec"] as const).map((k) => ({
          value: k,
          label: t(`contactKind.${k}`),
        })),
      }),
      input(contactState, { path: "contact.value", label: "operator.cc.contactValue", required: true }),
      h("p", { class: "form-text" }, t("operator.cc.contactQuiet")),
      submitButton("operator.cc.submitContact"),
    ),
  );
}

function verifySection(): HTMLElement {
  return section(
    "operator.cc.verify",
    verdict === undefined
      ? null
      : callout(
          verdict ? "success" : "danger",
          h(
            "p",
            { class: "mb-0", id: "verdict", "data-testid": "verdict", tabindex: "-1" },
            t(verdict ? "operator.cc.valid" : "operator.cc.invalid"),
          ),
        ),
    namedForm(
      "verify-form",
      async () => {
        const result = await operatorCall<Answer<"phonePinVerifications">>(
          "POST",
          "/v1/operator/phone-pin-verifications",
          {
            body: { codiceFiscale: verifyState.codiceFiscale.trim(), phonePin: verifyState.phonePin.trim() },
          },
        );
        verdict = result.valid;
        verifyState.phonePin = "";
        await rerender();
        document.getElementById("verdict")?.focus();
      },
      input(verifyState, {
        path: "codiceFiscale",
        label: "person.codiceFiscale",
        required: true,
        upper: true,
        maxlength: 16,
      }),
      input(verifyState, {
        path: "phonePin",
        label: "operator.cc.phonePin",
        required: true,
        inputmode: "numeric",
      }),
      submitButton("operator.cc.submitVerify"),
    ),
  );
}

mountPage({
  title: "operator.cc.title",
  area: "operator",
  async render(main) {
    add(main, operatorBar(token, "contact-center"));
    if (!allowed) {
      add(main, callout("danger", t("operator.notYourGroup")));
      return;
    }
    add(
      main,
      requestSection(),
      contactSection(),
      verifySection(),
      callerRevocationSection(),
      await callerAppointmentSection(),
    );
  },
});
