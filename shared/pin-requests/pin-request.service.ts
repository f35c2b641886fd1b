import { recordAuditEvent } from "../audit/audit.store.ts";
import { maskContact } from "../credentials/contact-mask.ts";
import { type Credential, isLive } from "../credentials/credential.model.ts";
import {
  credentialPut,
  getCredential,
  issuingCredentialDelete,
  versionedUpdate,
} from "../credentials/credential.store.ts";
import {
  assertConsistentWithCodiceFiscale,
  assertEligible,
  assertRecordedAbroad,
} from "../credentials/eligibility.ts";
import { hashSecret } from "../credentials/pin-hash.ts";
import { generateInitialPin, splitInitialPin } from "../credentials/pin-rules.ts";
import { encryptPartB } from "../crypto/part-b.ts";
import {
  type LetterItem,
  letterDelete,
  letterPut,
  letterQueue,
  letterReference,
} from "../letters/letter.store.ts";
import { existingPinNotice, partAMessage } from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { type Channel, deliver } from "../notifications/sender.ts";
import { addDays, now } from "../platform/clock.ts";
import { AppError, ConflictError, RetryableError } from "../platform/errors.ts";
import { answerAfter, quietPeriodClaim, subjectDigest, takeFromBudget } from "../platform/limits.store.ts";
import { logger } from "../platform/logger.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomId } from "../platform/random.ts";
import { TransactionCancelled, transact } from "../platform/transact.ts";
import type { PersonRecord } from "../registry/registry.schema.ts";
import { personOnRecordFor, residenceDiffers } from "../registry/registry.service.ts";
import { contactFor, type PinRequest, type PinRequestAccepted } from "./pin-request.schema.ts";

/** Initial PIN validity when part B travels by post (docs/product/credential-rules.md). */
export const POSTAL_INITIAL_PIN_DAYS = 90;
export const LETTER_EXPECTED_WITHIN_DAYS = 15;
/**
 * Online requests answer no sooner than this, whichever path they took (issued, a live PIN, a spent
 * budget), so timing does not tell who holds a PIN (docs/product/credential-rules.md). Above the issuing path's p99 (bench/parity).
 */
export const PIN_REQUEST_ANSWER_FLOOR_MS = 1_500;
/** Part A messages one destination may receive a day (docs/product/credential-rules.md#abuse-limits-on-messages). */
export const PART_A_PER_DESTINATION_PER_DAY = 3;
/** At most one "you already have a PIN" notice per holder in this period. */
export const EXISTING_PIN_NOTICE_QUIET_SECONDS = 24 * 60 * 60;

// The eligibility rules are shared with the branch (credentials/eligibility.ts); exported here as before.
export { assertConsistentWithCodiceFiscale, assertEligible };

/** Who submits the request: the citizen online, or a contact-center operator for them. */
export interface RequestOrigin {
  channel: "web" | "contact-center";
  actor: string;
}

export interface IssuedRequest {
  accepted: PinRequestAccepted;
  /** Part A, returned only to an operator channel that reads it out (F8). */
  partA?: string;
}

/**
 * Primary course (F1, F8): check the typed data (syntax, codice fiscale, eligibility), then the record: the
 * person must be on record with the same identity and a residence abroad, and the letter goes to that
 * residence whatever was typed. Unless a live PIN exists or the destination's daily part-A budget is spent,
 * write the credential (`issuing`) and its held letter together, deliver part A, then make both usable in
 * one transaction; if part A cannot be delivered both are deleted and the caller gets a retryable 503.
 * Online, a live PIN or a spent budget gets the same 202 after the same time, and a live PIN's contacts are
 * told (once a day) how to recover or revoke; the contact center is told plainly instead.
 */
export async function submitPinRequest(request: PinRequest, origin: RequestOrigin): Promise<IssuedRequest> {
  assertConsistentWithCodiceFiscale(request);
  assertEligible(request);
  const record = await personOnRecordFor(request);
  assertRecordedAbroad(record);
  const accepted = acceptedAnswer(request, record);
  const issued =
    origin.channel === "web"
      ? await answerAfter(PIN_REQUEST_ANSWER_FLOOR_MS, () =>
          issueUnlessLive(request, record, accepted, origin),
        )
      : await issueUnlessLive(request, record, accepted, origin);
  // Every request answered 202, whatever became of it (issued, a live PIN, a spent budget): the demand.
  countMetric("PinRequested", { channel: metricChannelOf(origin) });
  return issued;
}

/** The channel a request came through, as metrics name it. */
const metricChannelOf = (origin: RequestOrigin) => (origin.channel === "web" ? "online" : "contact-center");

function acceptedAnswer(request: PinRequest, record: PersonRecord): PinRequestAccepted {
  const differs = residenceDiffers(request.residence, record.residence);
  return {
    requestId: randomId(),
    partASentTo: {
      channel: request.partAChannel,
      masked: maskContact(request.partAChannel, contactFor(request)),
    },
    letter: {
      expectedWithinDays: LETTER_EXPECTED_WITHIN_DAYS,
      sentTo: { countryCode: record.residence.countryCode, city: record.residence.city },
      addressOnRecordDiffers: differs,
      ...(differs
        ? {
            note:
              "The letter goes to the residence on record, not to the address typed. To update your " +
              "residence, call the contact center or visit a branch with an identity document.",
          }
        : {}),
    },
  };
}

async function issueUnlessLive(
  request: PinRequest,
  record: PersonRecord,
  accepted: PinRequestAccepted,
  origin: RequestOrigin,
): Promise<IssuedRequest> {
  const existing = await getCredential(request.codiceFiscale);
  if (existing && isLive(existing, now().getTime())) {
    await answerExistingPin(existing, origin);
    return { accepted };
  }
  const destination = contactFor(request);
  if (!(await takeFromBudget("part-a", subjectDigest(destination), PART_A_PER_DESTINATION_PER_DAY, 86_400))) {
    await recordAuditEvent({
      codiceFiscale: request.codiceFiscale,
      type: "pin-request-failed",
      channel: origin.channel,
      actor: origin.actor,
      outcome: "refused",
      details: { reason: "part-a-destination-limit", partAChannel: request.partAChannel },
    });
    if (origin.channel === "contact-center") {
      throw new AppError(
        429,
        "destination-limit",
        "Too many messages to this contact",
        `This contact already received ${PART_A_PER_DESTINATION_PER_DAY} first parts of a PIN today. ` +
          "Choose another contact or try again tomorrow.",
      );
    }
    return { accepted };
  }
  const partA = await issueWithLetter(request, record, existing, origin);
  if (partA === undefined) {
    // Lost a race with a parallel request for the same person: it issues, this one answers alike.
    if (origin.channel === "contact-center") throw pinExists();
    return { accepted };
  }
  return { accepted, partA: origin.channel === "contact-center" ? partA : undefined };
}

function pinExists(): ConflictError {
  return new ConflictError(
    "pin-exists",
    "This person already has a PIN. If it was lost, use recovery (two registered contacts) or " +
      "revocation followed by a new request.",
  );
}

async function answerExistingPin(existing: Credential, origin: RequestOrigin): Promise<void> {
  await recordAuditEvent({
    codiceFiscale: existing.codiceFiscale,
    type: "pin-request-duplicate",
    channel: origin.channel,
    actor: origin.actor,
    outcome: "refused",
  });
  if (origin.channel === "contact-center") throw pinExists();
  // The day's quiet period and its one notice are taken together; a request within the period writes nothing.
  const claim = quietPeriodClaim(
    "existing-pin-notice",
    existing.codiceFiscale,
    EXISTING_PIN_NOTICE_QUIET_SECONDS,
  );
  await commitWithNotices(
    [{ Put: claim }],
    ...(existing.status === "issuing"
      ? []
      : [{ type: "existing-pin", to: existing.contacts, message: existingPinNotice() }]),
  );
}

async function issueWithLetter(
  request: PinRequest,
  record: PersonRecord,
  existing: Credential | undefined,
  origin: RequestOrigin,
): Promise<string | undefined> {
  const issuedAt = now();
  const validUntil = addDays(issuedAt, POSTAL_INITIAL_PIN_DAYS).toISOString();
  const initialPin = generateInitialPin();
  const { partA, partB } = splitInitialPin(initialPin);
  const credentialId = randomId();
  const letterId = randomId();
  const credential: Credential = {
    credentialId,
    codiceFiscale: request.codiceFiscale,
    holder: {
      surname: record.surname,
      givenName: record.givenName,
      birthDate: record.birthDate,
      sex: record.sex,
      birthPlaceCode: record.birthPlaceCode,
    },
    residence: record.residence,
    contacts: request.contacts,
    healthCard: request.healthCard,
    holderKind: "citizen",
    pinType: "ordinario",
    status: "issuing",
    initialPinHash: await hashSecret(initialPin),
    initialPinExpiresAt: validUntil,
    initialPinDelivery: "post",
    letterId,
    everUsed: false,
    failures: 0,
    version: 1,
    createdAt: issuedAt.toISOString(),
    updatedAt: issuedAt.toISOString(),
  };
  const letter: LetterItem = {
    letterId,
    reference: letterReference(letterId, issuedAt.toISOString()),
    codiceFiscale: request.codiceFiscale,
    credentialId,
    recipient: { surname: record.surname, givenName: record.givenName },
    address: record.residence,
    status: "held",
    partBCiphertext: await encryptPartB(partB, letterId),
    validUntil,
    issuedAt: issuedAt.toISOString(),
  };
  try {
    await transact([credentialPut(credential, existing?.version), letterPut(letter)]);
  } catch (error) {
    if (error instanceof TransactionCancelled) return undefined;
    throw error;
  }

  const channel: Channel = request.partAChannel;
  try {
    await deliver(channel, contactFor(request), partAMessage(partA, validUntil));
  } catch (error) {
    logger.error("part A not delivered", { channel, error: (error as Error).name });
    countMetric("PartASendFailed", { channel });
    await withdraw(request.codiceFiscale, letterId);
    await recordAuditEvent({
      codiceFiscale: request.codiceFiscale,
      type: "pin-request-failed",
      channel: origin.channel,
      actor: origin.actor,
      outcome: "failure",
      details: { reason: "part-a-undeliverable", partAChannel: channel },
    });
    throw new RetryableError(
      "The first part of the PIN could not be sent. Nothing was issued: please retry.",
    );
  }

  const queuedAt = now().toISOString();
  await transact([
    {
      Update: versionedUpdate(request.codiceFiscale, credential.version, {
        status: "pending-first-access",
        updatedAt: queuedAt,
      }),
    },
    letterQueue(letterId, queuedAt),
  ]);
  await recordAuditEvent({
    codiceFiscale: request.codiceFiscale,
    type: "pin-requested",
    channel: origin.channel,
    actor: origin.actor,
    outcome: "success",
    details: { credentialId, letterId, partAChannel: channel, pinType: "ordinario" },
  });
  countMetric("PinIssued", { channel: metricChannelOf(origin) });
  return partA;
}

/** Removes a credential and its letter whose part A never left: nothing usable stays behind. */
async function withdraw(codiceFiscale: string, letterId: string): Promise<void> {
  await transact([issuingCredentialDelete(codiceFiscale), letterDelete(letterId)]);
}
