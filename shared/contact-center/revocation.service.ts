import { type AuditEvent, auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { maskContact } from "../credentials/contact-mask.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { getCredential } from "../credentials/credential.store.ts";
import { contactCenterRevocationNotice, linkMessage } from "../notifications/messages.ts";
import { noticeItems } from "../notifications/outbox.store.ts";
import { deliver } from "../notifications/sender.ts";
import { nowMs } from "../platform/clock.ts";
import { AppError, RetryableError } from "../platform/errors.ts";
import { budgetLeft, takeFromBudget } from "../platform/limits.store.ts";
import { logger } from "../platform/logger.ts";
import { transact } from "../platform/transact.ts";
import { getPersonOnRecord, type StoredPersonRecord } from "../registry/registry.store.ts";
import { newLink } from "../self-service/links.store.ts";
import type { OperatorRevocation } from "./revocation.schema.ts";

/** Mismatched answers allowed for one codice fiscale a day; past them every call is refused until the day ends. */
export const VERIFICATION_MISSES_PER_DAY = 3;
/** Links the contact center may send for one holder an hour: the operator is not a message cannon either. */
export const REVOCATION_LINKS_PER_HOUR = 3;

const DAY_SECONDS = 86_400;
const MISSES = "caller-verification-miss";

function holderNotFound(): AppError {
  return new AppError(404, "holder-not-found", "Holder not found", "No live PIN for this codice fiscale.");
}

/** Retry-After: the seconds left of the current day window (UTC), the window the budget counts in. */
function verificationLimit(): AppError {
  const secondsLeft = DAY_SECONDS - (Math.floor(nowMs() / 1000) % DAY_SECONDS);
  return new AppError(
    429,
    "verification-limit",
    "Too many failed verifications",
    `The caller's answers did not match ${VERIFICATION_MISSES_PER_DAY} times today for this codice fiscale. ` +
      "No further verification is possible until the day is over (UTC); the caller may visit a branch.",
    { headers: { "retry-after": String(secondsLeft) } },
  );
}

function verificationFailed(): AppError {
  return new AppError(
    422,
    "verification-failed",
    "Verification failed",
    "The caller's answers do not match the records. Which answer differed is not said.",
  );
}

const postalCode = (value: string) => value.replace(/[\s-]/g, "").toUpperCase();

/**
 * The answers agree with the record (the authority on who the person is and where they live) and with the
 * identity the live credential was issued to. Without a record (a credential older than the record import),
 * the credential alone is the reference.
 */
function answersMatch(
  { answers }: OperatorRevocation,
  credential: Credential,
  record: StoredPersonRecord | undefined,
): boolean {
  const identities = record ? [credential.holder, record] : [credential.holder];
  const residence = record?.residence ?? credential.residence;
  return (
    identities.every(
      (who) => who.birthDate === answers.birthDate && who.birthPlaceCode === answers.birthPlaceCode,
    ) &&
    residence.countryCode === answers.residence.countryCode &&
    postalCode(residence.postalCode) === postalCode(answers.residence.postalCode)
  );
}

/**
 * Primary course (F17): for a caller without a health card, an operator's answers are checked against the
 * record and the live credential. A mismatch counts (conditionally, so parallel calls never count more than
 * `VERIFICATION_MISSES_PER_DAY`); once spent, every call that day is 429. On a match the F6 link goes to the
 * address given, then the link, its audit record and the notice to every registered contact commit together.
 * The link is sent before anything is written: a failed send leaves nothing behind and the operator retries.
 */
export async function requestRevocationForCaller(
  input: OperatorRevocation,
  operatorId: string,
): Promise<{ sentTo: { channel: "email" | "pec"; masked: string } }> {
  const { codiceFiscale } = input;
  const event = (outcome: AuditEvent["outcome"], details: AuditEvent["details"]): AuditEvent => ({
    codiceFiscale,
    type: "revocation-requested",
    channel: "contact-center",
    actor: `operator:${operatorId}`,
    outcome,
    details,
  });
  if (!(await budgetLeft(MISSES, codiceFiscale, VERIFICATION_MISSES_PER_DAY, DAY_SECONDS))) {
    await recordAuditEvent(event("refused", { reason: "verification-limit" }));
    throw verificationLimit();
  }
  const [credential, record] = await Promise.all([
    getCredential(codiceFiscale),
    getPersonOnRecord(codiceFiscale),
  ]);
  if (!credential || (credential.status !== "active" && credential.status !== "pending-first-access")) {
    throw holderNotFound();
  }
  if (!answersMatch(input, credential, record)) {
    const counted = await takeFromBudget(MISSES, codiceFiscale, VERIFICATION_MISSES_PER_DAY, DAY_SECONDS);
    await recordAuditEvent(
      event("refused", { reason: counted ? "verification-failed" : "verification-limit" }),
    );
    throw counted ? verificationFailed() : verificationLimit();
  }
  if (!(await takeFromBudget("revocation-by-operator", codiceFiscale, REVOCATION_LINKS_PER_HOUR, 3600))) {
    await recordAuditEvent(event("refused", { reason: "holder-limit" }));
    throw new AppError(
      429,
      "revocation-limit",
      "Too many revocation links",
      `${REVOCATION_LINKS_PER_HOUR} revocation links were sent for this holder in the last hour. Try again later.`,
      { headers: { "retry-after": "3600" } },
    );
  }

  const channel = input.email ? "email" : "pec";
  const address = (input.email ?? input.pec)!;
  const masked = maskContact(channel, address);
  const link = newLink({ purpose: "revocation", codiceFiscale, credentialId: credential.credentialId });
  try {
    await deliver(channel, address, linkMessage("revocation", link.url));
  } catch (error) {
    logger.error("revocation link not delivered: nothing written", { channel, error: (error as Error).name });
    await recordAuditEvent(event("failure", { reason: "link-undeliverable", linkChannel: channel }));
    throw new RetryableError("The confirmation link could not be sent. Nothing changed; please retry.");
  }
  await transact([
    { Put: link.put },
    { Put: auditEventPut(event("success", { linkChannel: channel, sentTo: masked })) },
    ...noticeItems({
      type: "revocation-started",
      to: credential.contacts,
      message: contactCenterRevocationNotice(masked),
    }),
  ]);
  return { sentTo: { channel, masked } };
}
