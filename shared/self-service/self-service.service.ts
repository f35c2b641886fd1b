import {
  type AuditEvent,
  type AuditEventType,
  auditEventPut,
  recordAuditEvent,
} from "../audit/audit.store.ts";
import { maskContact } from "../credentials/contact-mask.ts";
import { type Credential, trustedContacts } from "../credentials/credential.model.ts";
import { getCredential, versionedUpdate } from "../credentials/credential.store.ts";
import { hashSecret } from "../credentials/pin-hash.ts";
import { generateInitialPin, splitInitialPin } from "../credentials/pin-rules.ts";
import { cancelUnprintedLetter } from "../letters/letter.store.ts";
import {
  linkMessage,
  recoveryCompletedNotice,
  recoveryPartMessage,
  recoveryStartedNotice,
  revokedNotice,
} from "../notifications/messages.ts";
import { type Notice, noticeItems } from "../notifications/outbox.store.ts";
import { type Channel, contactChannels, deliver } from "../notifications/sender.ts";
import { allPasskeysRemoval, passkeysOf } from "../passkeys/passkey.store.ts";
import { now } from "../platform/clock.ts";
import { config } from "../platform/config.ts";
import { RetryableError, UnauthorizedError } from "../platform/errors.ts";
import { answerAfter, budgetLeft, subjectDigest, takeFromBudget } from "../platform/limits.store.ts";
import { logger } from "../platform/logger.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomId, randomString } from "../platform/random.ts";
import { TransactionCancelled, transact } from "../platform/transact.ts";
import type * as z from "../platform/zod.ts";
import {
  claimLink,
  consumeClaimedLink,
  consumeLink,
  createLink,
  type LinkPurpose,
  newLink,
  readLink,
  releaseLink,
} from "./links.store.ts";
import type { recoveryRequestSchema } from "./recovery.schema.ts";
import type { revocationRequestSchema } from "./self-service.schema.ts";

/** Every recovery and revocation request answers no sooner than this, matched or not. */
export const ANSWER_FLOOR_MS = 1_200;
/** Initial PIN validity when both halves travel electronically (recovery, docs/product/credential-rules.md). */
export const ELECTRONIC_INITIAL_PIN_HOURS = 48;

/** Matching requests a holder may make an hour: only requests that would send something count. */
export const HOLDER_REQUESTS_PER_HOUR = 3;

const ACCEPTED = { status: "accepted" as const };

/** Where a request came from, for the per-source budget of non-matching requests. */
export interface RequestSource {
  ip: string;
}

// Non-matching requests a source may make an hour (config); past it, its requests are no longer evaluated.
const sourceHasRoom = (purpose: LinkPurpose, source: RequestSource) =>
  budgetLeft(`${purpose}-miss`, subjectDigest(source.ip), config().SOURCE_MISSES_PER_HOUR, 3600);
const countMiss = (purpose: LinkPurpose, source: RequestSource) =>
  takeFromBudget(`${purpose}-miss`, subjectDigest(source.ip), config().SOURCE_MISSES_PER_HOUR, 3600);
const holderHasRoom = (purpose: LinkPurpose, codiceFiscale: string) =>
  takeFromBudget(purpose, codiceFiscale, HOLDER_REQUESTS_PER_HOUR, 3600);

function invalidLink(): UnauthorizedError {
  return new UnauthorizedError("invalid-token", "The link is not valid, was already used, or has expired.");
}

function citizenEvent(
  codiceFiscale: string,
  type: AuditEventType,
  outcome: AuditEvent["outcome"],
  details?: Record<string, string>,
): AuditEvent {
  return { codiceFiscale, type, channel: "web", actor: "citizen", outcome, details };
}

async function audit(...event: Parameters<typeof citizenEvent>) {
  await recordAuditEvent(citizenEvent(...event));
}

/**
 * Primary course (F5, request): if the PIN was used at least once and at least two of the given contacts
 * are registered ones, and the holder's hourly budget allows, send a 24-hour link to the registered e-mail
 * (or PEC) and tell every registered contact. Only matching requests spend the holder's budget, so strangers
 * cannot exhaust it; non-matching ones spend their source's. Same answer, same minimum time, whatever happened.
 */
export async function requestRecovery(input: z.infer<typeof recoveryRequestSchema>, source: RequestSource) {
  return answerAfter(ANSWER_FLOOR_MS, async () => {
    const { codiceFiscale } = input;
    if (!(await sourceHasRoom("recovery", source))) return ACCEPTED;
    const credential = await getCredential(codiceFiscale);
    const usable =
      credential?.everUsed &&
      (credential.status === "active" || credential.status === "pending-first-access");
    if (!credential || !usable) {
      await countMiss("recovery", source);
      return ACCEPTED;
    }
    const registered = credential.contacts;
    const matches = [
      input.mobile && input.mobile === registered.mobile,
      input.email && input.email === registered.email,
      input.pec && input.pec === registered.pec,
    ].filter(Boolean).length;
    // A contact the contact center added in the last 7 days may match, but never receives the link (F7).
    const trusted = trustedContacts(credential, now().getTime());
    const linkChannel: Channel | undefined = trusted.email ? "email" : trusted.pec ? "pec" : undefined;
    if (matches < 2 || !linkChannel) {
      await countMiss("recovery", source);
      await audit(codiceFiscale, "recovery-requested", "refused", {
        reason: matches < 2 ? "contacts-mismatch" : "no-trusted-email",
      });
      return ACCEPTED;
    }
    if (!(await holderHasRoom("recovery", codiceFiscale))) {
      await audit(codiceFiscale, "recovery-requested", "refused", { reason: "holder-limit" });
      return ACCEPTED;
    }
    // The link, its audit record and the notice to every registered contact commit together; the link itself
    // travels at once, on the request path (docs/product/README.md#architecture).
    const link = newLink({ purpose: "recovery", codiceFiscale, credentialId: credential.credentialId });
    await transact([
      { Put: link.put },
      { Put: auditEventPut(citizenEvent(codiceFiscale, "recovery-requested", "success", { linkChannel })) },
      ...noticeItems({ type: "recovery-started", to: registered, message: recoveryStartedNotice() }),
    ]);
    await deliver(
      linkChannel,
      (linkChannel === "email" ? trusted.email : trusted.pec)!,
      linkMessage("recovery", link.url),
    ).catch((error: Error) => logger.error("recovery link not delivered", { error: error.name }));
    return ACCEPTED;
  });
}

/** Two different channels for the two halves: part A by SMS when possible, part B by e-mail or PEC. */
function recoveryChannels(credential: Credential) {
  const channels = contactChannels(trustedContacts(credential, now().getTime()));
  const partA = channels.find((c) => c.channel === "sms") ?? channels[0];
  const partB = channels.find((c) => c.channel !== "sms" && c.channel !== partA?.channel);
  return partA && partB ? { partA, partB } : undefined;
}

/** Letters of pairing codes: none is a hexadecimal digit, so a code is never taken for a half of the PIN. */
const PAIRING_ALPHABET = "GHJKMNPQRSTUVWXYZ";

/**
 * Primary course (F5, confirm): take the link (of parallel confirmations one proceeds), draw a new 16-character
 * PIN and send its halves on two different channels, part B by e-mail or PEC first, then part A by SMS. Only
 * once both were accepted, consume the link and, in the same transaction, give the credential the new PIN,
 * valid 48 hours (same PIN type), clearing any lock or block and killing the old PIN, its access tokens and
 * change tokens (the credential id changes). First access follows as for a new PIN.
 *
 * If a half cannot be sent, nothing changes: the answer is a retryable 503, the link is let go for the retry,
 * the old PIN keeps working, and a half already sent belongs to a PIN that never comes to exist (the retry's
 * halves carry another pairing code). So the holder is never left with half of a live PIN.
 */
export async function confirmRecovery(token: string) {
  const grant = await readLink(token, "recovery");
  const credential = grant ? await getCredential(grant.codiceFiscale) : undefined;
  if (!grant || !credential || credential.credentialId !== grant.credentialId) throw invalidLink();
  const channels = recoveryChannels(credential);
  if (!channels) throw invalidLink();
  const claim = randomId();
  if (!(await claimLink(token, claim))) throw invalidLink();

  const initialPin = generateInitialPin();
  const { partA, partB } = splitInitialPin(initialPin);
  const pairing = randomString(PAIRING_ALPHABET, 4);
  const validUntil = new Date(now().getTime() + ELECTRONIC_INITIAL_PIN_HOURS * 3_600_000).toISOString();
  const initialPinHash = await hashSecret(initialPin);
  for (const [part, value, target] of [
    ["B", partB, channels.partB],
    ["A", partA, channels.partA],
  ] as const) {
    try {
      await deliver(target.channel, target.to, recoveryPartMessage(part, value, validUntil, pairing));
    } catch (error) {
      logger.error("recovered PIN half not sent: nothing changed", {
        part,
        channel: target.channel,
        error: (error as Error).name,
      });
      await releaseLink(token, claim);
      await audit(credential.codiceFiscale, "recovery-completed", "failure", {
        reason: "half-undeliverable",
        part,
        channel: target.channel,
      });
      throw new RetryableError(
        "The new PIN could not be sent. Nothing changed: your current PIN still works and the link can be used again. Please retry in a few minutes.",
      );
    }
  }

  await commitRecoveredPin(
    token,
    claim,
    credential,
    {
      credentialId: randomId(),
      status: "pending-first-access",
      initialPinHash,
      initialPinExpiresAt: validUntil,
      initialPinDelivery: "electronic",
      failures: 0,
      blocked: false,
      updatedAt: now().toISOString(),
    },
    citizenEvent(credential.codiceFiscale, "recovery-completed", "success", {
      partAChannel: channels.partA.channel,
      partBChannel: channels.partB.channel,
    }),
    {
      type: "recovery-completed",
      to: credential.contacts,
      // Recovery keeps the holder's passkeys (F19): the notice names them, so one the holder does not know stands out.
      message: recoveryCompletedNotice(await passkeyNames(credential)),
    },
  );
  countMetric("RecoveryCompleted");
  return {
    outcome: "pin-reissued" as const,
    partASentTo: {
      channel: channels.partA.channel,
      masked: maskContact(channels.partA.channel, channels.partA.to),
    },
    partBSentTo: {
      channel: channels.partB.channel,
      masked: maskContact(channels.partB.channel, channels.partB.to),
    },
    validUntil,
  };
}

/**
 * Consumes the claimed link and writes the new PIN in one transaction, with its audit record and the holder's
 * notice. The halves are already out, so a change of the credential meanwhile (a failed login moves its
 * version) does not undo the recovery: the write is made again over the fresh version, as long as it is still
 * the credential the link was issued for.
 */
async function commitRecoveredPin(
  token: string,
  claim: string,
  { codiceFiscale, credentialId, version: seen }: Credential,
  fields: Record<string, unknown>,
  event: AuditEvent,
  notice: Notice,
): Promise<void> {
  let version: number | undefined = seen;
  for (let attempt = 0; version !== undefined && attempt < 3; attempt++) {
    const update = versionedUpdate(codiceFiscale, version, fields, [
      "lockedUntil",
      "pinHash",
      "pinSetAt",
      "pinExpiresAt",
      "gsi2pk",
      "gsi2sk",
      "remindersSent",
    ]);
    const items = [
      { Delete: consumeClaimedLink(token, claim) },
      { Update: update },
      { Put: auditEventPut(event) },
      ...noticeItems(notice),
    ];
    try {
      // The link claimed by someone else, or gone: the recovery is not this request's to finish.
      await transact(items, { conditions: { 0: invalidLink } });
      return;
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      const current = await getCredential(codiceFiscale);
      version = current?.credentialId === credentialId ? current.version : undefined;
    }
  }
  throw invalidLink();
}

/**
 * Primary course (F6, request): if a PIN exists and the health card matches the recorded one, and the
 * holder's hourly budget allows, send a 24-hour confirmation link to the address given (it may be new: the
 * registered contacts may be what was lost). Budgets as for recovery. Same answer, same minimum time.
 */
export async function requestRevocation(
  input: z.infer<typeof revocationRequestSchema>,
  source: RequestSource,
) {
  return answerAfter(ANSWER_FLOOR_MS, async () => {
    const { codiceFiscale, healthCard } = input;
    if (!(await sourceHasRoom("revocation", source))) return ACCEPTED;
    const credential = await getCredential(codiceFiscale);
    const live =
      credential && (credential.status === "active" || credential.status === "pending-first-access");
    const cardMatches =
      credential?.healthCard?.number === healthCard.number &&
      credential?.healthCard?.expiryDate === healthCard.expiryDate;
    if (!credential || !live || !cardMatches) {
      await countMiss("revocation", source);
      if (credential)
        await audit(codiceFiscale, "revocation-requested", "refused", { reason: "health-card-mismatch" });
      return ACCEPTED;
    }
    if (!(await holderHasRoom("revocation", codiceFiscale))) {
      await audit(codiceFiscale, "revocation-requested", "refused", { reason: "holder-limit" });
      return ACCEPTED;
    }
    const channel: Channel = input.email ? "email" : "pec";
    const link = await createLink({
      purpose: "revocation",
      codiceFiscale,
      credentialId: credential.credentialId,
    });
    await deliver(channel, (input.email ?? input.pec)!, linkMessage("revocation", link)).catch(
      (error: Error) => logger.error("revocation link not delivered", { error: error.name }),
    );
    await audit(codiceFiscale, "revocation-requested", "success", { linkChannel: channel });
    return ACCEPTED;
  });
}

async function passkeyNames(credential: Credential): Promise<string[]> {
  const passkeys = await passkeysOf(credential.codiceFiscale);
  return passkeys.filter((p) => p.boundTo === credential.createdAt).map((p) => p.name);
}

/** Primary course (F6, confirm): consume the link and revoke the PIN; a letter not yet printed is cancelled. */
export async function confirmRevocation(token: string) {
  const grant = await readLink(token, "revocation");
  const credential = grant ? await getCredential(grant.codiceFiscale) : undefined;
  if (!grant || !credential || credential.credentialId !== grant.credentialId) throw invalidLink();
  const update = versionedUpdate(
    credential.codiceFiscale,
    credential.version,
    { status: "revoked", credentialId: randomId(), updatedAt: now().toISOString() },
    ["initialPinHash", "initialPinExpiresAt", "pinHash", "pinExpiresAt", "gsi2pk", "gsi2sk", "lockedUntil"],
  );
  await transact(
    [
      { Delete: consumeLink(token) },
      { Update: update },
      { Put: auditEventPut(citizenEvent(credential.codiceFiscale, "revocation-completed", "success")) },
      ...noticeItems({ type: "revoked", to: credential.contacts, message: revokedNotice() }),
      // Its passkeys (F19) end with it.
      ...(await allPasskeysRemoval(credential.codiceFiscale)),
    ],
    { otherwise: invalidLink },
  );
  countMetric("RevocationCompleted", { channel: "online" });
  if (credential.letterId) await cancelUnprintedLetter(credential.letterId);
  return { outcome: "revoked" as const };
}

export type { LinkPurpose };
