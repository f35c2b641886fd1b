import { auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { type Credential, isLive } from "../credentials/credential.model.ts";
import { credentialPut, getCredential } from "../credentials/credential.store.ts";
import { assertConsistentWithCodiceFiscale, assertEligible } from "../credentials/eligibility.ts";
import { assertDocumentValid, assertPresentedInPerson } from "../credentials/identity-document.ts";
import { hashSecret } from "../credentials/pin-hash.ts";
import { generateInitialPin } from "../credentials/pin-rules.ts";
import { cancelUnprintedLetter } from "../letters/letter.store.ts";
import { pinReplacedAtBranchNotice } from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { allPasskeysRemoval } from "../passkeys/passkey.store.ts";
import { addDays, now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { ConflictError } from "../platform/errors.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomId } from "../platform/random.ts";
import { putPersonOnRecord } from "../registry/registry.store.ts";
import type { BranchIssuance } from "./branch-issuance.schema.ts";
import { renderPinMailer } from "./envelope-pdf.ts";

/** A branch-issued initial PIN is valid 30 days (docs/product/credential-rules.md). */
export const BRANCH_INITIAL_PIN_DAYS = 30;

function pinExists(): ConflictError {
  return new ConflictError(
    "pin-exists",
    "This person already has a live PIN. Set replaceExisting to revoke it and issue a new one, or use recovery.",
  );
}

/**
 * Primary course (F9, F13): with the person (or a parent of a minor, or a guardian) at the counter and a
 * valid identity document, bring the record up to date with what was checked, then issue a dispositivo
 * initial PIN valid 30 days, active at once (first access follows), with no letter. The PIN exists only
 * inside the returned PIN-mailer PDF. A live PIN is a 409 unless `replaceExisting`, which revokes it in the
 * same write (its unprinted letter cancelled, its contacts told). Of two parallel issuances one wins.
 */
export async function issueAtBranch(input: BranchIssuance, operatorId: string) {
  assertPresentedInPerson(input.presentedBy, input.birthDate);
  assertDocumentValid(input.identityDocument);
  assertConsistentWithCodiceFiscale(input);
  // Intermediaries get a PIN for their work wherever they live; citizens only as residents abroad (docs/product/README.md#what-it-is).
  if (input.holderKind === "citizen") assertEligible(input);

  const actor = `operator:${operatorId}`;
  const { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence } = input;
  const recordOutcome = await putPersonOnRecord(
    { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence },
    `branch:${operatorId}`,
  );
  if (recordOutcome === "written") {
    await recordAuditEvent({
      codiceFiscale,
      type: "person-record-updated",
      channel: "branch",
      actor,
      outcome: "success",
      details: { countryCode: residence.countryCode, city: residence.city },
    });
  }

  const existing = await getCredential(codiceFiscale);
  const replacing = existing !== undefined && isLive(existing, now().getTime());
  if (replacing && !input.replaceExisting) throw pinExists();

  const issuedAt = now();
  const validUntil = addDays(issuedAt, BRANCH_INITIAL_PIN_DAYS).toISOString();
  const initialPin = generateInitialPin();
  const credential: Credential = {
    credentialId: randomId(),
    codiceFiscale,
    holder: { surname, givenName, birthDate, sex, birthPlaceCode },
    residence,
    contacts: input.contacts ?? {},
    ...(existing?.healthCard || input.healthCard
      ? { healthCard: input.healthCard ?? existing?.healthCard }
      : {}),
    holderKind: input.holderKind,
    ...(input.intermediary ? { intermediary: input.intermediary } : {}),
    pinType: "dispositivo",
    status: "pending-first-access",
    initialPinHash: await hashSecret(initialPin),
    initialPinExpiresAt: validUntil,
    initialPinDelivery: "branch",
    everUsed: false,
    failures: 0,
    version: (existing?.version ?? 0) + 1,
    createdAt: issuedAt.toISOString(),
    updatedAt: issuedAt.toISOString(),
  };
  const replaced = replacing && existing;
  // A replaced PIN's holder is told through the outbox, in the transaction that replaces it.
  const issued = await commitWithNotices(
    [
      credentialPut(credential, existing?.version),
      ...(replaced
        ? [
            {
              Put: auditEventPut({
                codiceFiscale,
                type: "pin-replaced-at-branch",
                channel: "branch",
                actor,
                outcome: "success",
                details: { previousStatus: existing.status },
              }),
            },
            // The replaced PIN's passkeys (F19) end with it.
            ...(await allPasskeysRemoval(codiceFiscale)),
          ]
        : []),
    ],
    ...(replaced
      ? [{ type: "pin-replaced-at-branch", to: existing.contacts, message: pinReplacedAtBranchNotice() }]
      : []),
  );
  // Another issuance (or any change) got there first: this one issues nothing.
  if (!issued) throw pinExists();
  countMetric("PinIssued", { channel: "branch" });
  if (replaced && existing.letterId) await cancelUnprintedLetter(existing.letterId);
  await recordAuditEvent({
    codiceFiscale,
    type: "pin-issued-at-branch",
    channel: "branch",
    actor,
    outcome: "success",
    details: {
      credentialId: credential.credentialId,
      pinType: "dispositivo",
      holderKind: input.holderKind,
      presentedBy: input.presentedBy.kind,
      identityDocument: input.identityDocument.kind,
    },
  });
  const envelope = await renderPinMailer({
    holder: { surname, givenName, codiceFiscale },
    initialPin,
    validUntil,
    pinType: "dispositivo",
    holderKind: input.holderKind,
    ...(input.intermediary ? { intermediary: input.intermediary } : {}),
    reference: credential.credentialId.slice(0, 8).toUpperCase(),
    issuedAt: issuedAt.toISOString(),
    webAddress: required("WEB_ORIGIN"),
  });
  return {
    credentialId: credential.credentialId,
    pinType: "dispositivo" as const,
    holderKind: input.holderKind,
    envelope: { contentType: "application/pdf" as const, base64: envelope.toString("base64") },
  };
}
