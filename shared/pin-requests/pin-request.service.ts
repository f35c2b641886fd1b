import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { recordAuditEvent } from "../audit/audit.store.ts";
import { checkCodiceFiscaleConsistency } from "../credentials/codice-fiscale.ts";
import { maskContact } from "../credentials/contact-mask.ts";
import { type Credential, credentialKey, isLive } from "../credentials/credential.model.ts";
import { getCredential, versionedUpdate } from "../credentials/credential.store.ts";
import { hashSecret } from "../credentials/pin-hash.ts";
import { generateInitialPin, splitInitialPin } from "../credentials/pin-rules.ts";
import { encryptPartB } from "../crypto/part-b.ts";
import { letterKey, letterReference, pendingIndexAttributes } from "../letters/letter.store.ts";
import { existingPinNotice, partAMessage } from "../notifications/messages.ts";
import { type Channel, deliver, notifyAll } from "../notifications/sender.ts";
import { dynamodb } from "../platform/clients.ts";
import { addDays, now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { AppError, RetryableError } from "../platform/errors.ts";
import { logger } from "../platform/logger.ts";
import { randomId } from "../platform/random.ts";
import { contactFor, type PinRequest, type PinRequestAccepted } from "./pin-request.schema.ts";

/** Initial PIN validity when part B travels by post (SPEC §3). */
export const POSTAL_INITIAL_PIN_DAYS = 90;
export const LETTER_EXPECTED_WITHIN_DAYS = 15;

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

/** Eligibility and identity checks shared by every channel that issues a PIN. */
export function assertEligibleAndConsistent(request: PinRequest): void {
  if (request.residence.countryCode === "IT" || request.hasItalianIdDocument) {
    throw new AppError(
      422,
      "not-eligible",
      "Not eligible for a PIN",
      "Since 1 October 2021 the PIN is issued only to residents abroad without an Italian identity document. " +
        "Use SPID, CIE (Carta d'identità elettronica) or CNS (Carta nazionale dei servizi) instead.",
      { extra: { alternatives: ["SPID", "CIE", "CNS"] } },
    );
  }
  const mismatches = checkCodiceFiscaleConsistency(request.codiceFiscale, request);
  if (mismatches.length > 0) {
    throw new AppError(
      422,
      "codice-fiscale-mismatch",
      "Codice fiscale does not match",
      "The codice fiscale does not agree with the personal data given.",
      {
        errors: mismatches.map((field: string) => ({
          path: field,
          message: "Does not agree with the codice fiscale",
        })),
      },
    );
  }
}

/**
 * Primary course (F1): check eligibility and identity; unless a live PIN exists, write the credential
 * (`issuing`) and its held letter together, deliver part A, then make both usable in one transaction.
 * If part A cannot be delivered both are deleted and the caller gets a retryable 503. A live PIN gets the
 * same answer, nothing is issued, and its registered contacts are told how to recover or revoke.
 */
export async function submitPinRequest(request: PinRequest, origin: RequestOrigin): Promise<IssuedRequest> {
  assertEligibleAndConsistent(request);
  const accepted: PinRequestAccepted = {
    requestId: randomId(),
    partASentTo: {
      channel: request.partAChannel,
      masked: maskContact(request.partAChannel, contactFor(request)),
    },
    letter: { expectedWithinDays: LETTER_EXPECTED_WITHIN_DAYS },
  };
  const existing = await getCredential(request.codiceFiscale);
  if (existing && isLive(existing, now().getTime())) {
    await answerExistingPin(existing, origin);
    return { accepted };
  }
  const partA = await issueWithLetter(request, existing, origin);
  if (partA === undefined) {
    // Lost a race with a parallel request for the same person: it issues, this one answers alike.
    return { accepted };
  }
  return { accepted, partA: origin.channel === "contact-center" ? partA : undefined };
}

async function answerExistingPin(existing: Credential, origin: RequestOrigin): Promise<void> {
  if (existing.status !== "issuing") {
    const { failed } = await notifyAll(existing.contacts, existingPinNotice());
    if (failed.length) logger.warn("existing-pin notice not delivered", { channels: failed });
  }
  await recordAuditEvent({
    codiceFiscale: existing.codiceFiscale,
    type: "pin-request-duplicate",
    channel: origin.channel,
    actor: origin.actor,
    outcome: "refused",
  });
}

async function issueWithLetter(
  request: PinRequest,
  existing: Credential | undefined,
  origin: RequestOrigin,
): Promise<string | undefined> {
  const TableName = required("TABLE_NAME");
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
      surname: request.surname,
      givenName: request.givenName,
      birthDate: request.birthDate,
      sex: request.sex,
      birthPlaceCode: request.birthPlaceCode,
    },
    residence: request.residence,
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
  const letter = {
    letterId,
    reference: letterReference(letterId, issuedAt.toISOString()),
    codiceFiscale: request.codiceFiscale,
    credentialId,
    recipient: { surname: request.surname, givenName: request.givenName },
    address: request.residence,
    status: "held",
    partBCiphertext: await encryptPartB(partB, letterId),
    validUntil,
    issuedAt: issuedAt.toISOString(),
  };
  try {
    await dynamodb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: { ...credentialKey(request.codiceFiscale), kind: "credential", ...credential },
              ConditionExpression: existing ? "version = :seen" : "attribute_not_exists(pk)",
              ExpressionAttributeValues: existing ? { ":seen": existing.version } : undefined,
            },
          },
          {
            Put: {
              TableName,
              Item: { ...letterKey(letterId), kind: "letter", ...letter },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) return undefined;
    throw error;
  }

  const channel: Channel = request.partAChannel;
  try {
    await deliver(channel, contactFor(request), partAMessage(partA, validUntil));
  } catch (error) {
    logger.error("part A not delivered", { channel, error: (error as Error).name });
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
  await dynamodb.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: versionedUpdate(request.codiceFiscale, credential.version, {
            status: "pending-first-access",
            updatedAt: queuedAt,
          }),
        },
        {
          Update: {
            TableName,
            Key: letterKey(letterId),
            UpdateExpression:
              "SET #status = :pending, queuedAt = :queuedAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk",
            ConditionExpression: "#status = :held",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":pending": "pending",
              ":held": "held",
              ":queuedAt": queuedAt,
              ...prefixKeys(pendingIndexAttributes(letterId, queuedAt)),
            },
          },
        },
      ],
    }),
  );
  await recordAuditEvent({
    codiceFiscale: request.codiceFiscale,
    type: "pin-requested",
    channel: origin.channel,
    actor: origin.actor,
    outcome: "success",
    details: { credentialId, letterId, partAChannel: channel, pinType: "ordinario" },
  });
  return partA;
}

function prefixKeys(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`:${k}`, v]));
}

/** Removes a credential and its letter whose part A never left: nothing usable stays behind. */
async function withdraw(codiceFiscale: string, letterId: string): Promise<void> {
  const TableName = required("TABLE_NAME");
  await dynamodb.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Delete: {
            TableName,
            Key: credentialKey(codiceFiscale),
            ConditionExpression: "#status = :issuing",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":issuing": "issuing" },
          },
        },
        { Delete: { TableName, Key: letterKey(letterId) } },
      ],
    }),
  );
}
