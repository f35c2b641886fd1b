import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import { auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { type Holder, requireRecentLogin } from "../auth/access-token.ts";
import { credentialKey } from "../credentials/credential.model.ts";
import { passkeyAddedNotice, passkeyRemovedNotice } from "../notifications/messages.ts";
import { noticeItems } from "../notifications/outbox.store.ts";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { AppError, ConflictError, NotFoundError, UnauthorizedError } from "../platform/errors.ts";
import { randomBytesOf, randomId } from "../platform/random.ts";
import { type TransactItem, TransactionCancelled, transact } from "../platform/transact.ts";
import type { PasskeyView, RegisterPasskey } from "./passkey.schema.ts";
import {
  getPasskey,
  passkeyAdditions,
  passkeyHolder,
  passkeyRemoval,
  passkeysOf,
  putChallenge,
  renamePasskey,
  type StoredPasskey,
  takeChallenge,
} from "./passkey.store.ts";
import {
  CHALLENGE_TTL_MS,
  expectations,
  PASSKEY_ALGORITHMS,
  PASSKEY_LIMIT,
  relyingParty,
} from "./relying-party.ts";

function passkeyLimit(): AppError {
  return new ConflictError(
    "passkey-limit",
    `A PIN may have at most ${PASSKEY_LIMIT} passkeys: delete one first.`,
  );
}

function passkeyNotVerified(): AppError {
  return new AppError(
    400,
    "passkey-not-verified",
    "Passkey not verified",
    "The passkey could not be verified, or its challenge was used or has expired. Start again.",
  );
}

/** Only passkeys of the credential as it is: one bound to a credential that ended is never shown nor honoured. */
const current = (holder: Holder) => (p: StoredPasskey) => p.boundTo === holder.credential.createdAt;

export function passkeyView(p: StoredPasskey): PasskeyView {
  return {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    lastUsedAt: p.lastUsedAt ?? null,
    backedUp: p.backedUp,
    suspect: p.suspect === true,
  };
}

/**
 * Primary course (F19, registration step 1): with a PIN login of the last 5 minutes, give the browser the
 * options to create a discoverable passkey with user verification for this origin, under the holder's random
 * user handle (never the codice fiscale), excluding the authenticators already registered.
 */
export async function registrationOptions(holder: Holder) {
  requireRecentLogin(holder, ["pwd"]);
  const [{ userHandle }, existing] = await Promise.all([
    passkeyHolder(holder.codiceFiscale, randomBytesOf(32).toString("base64url")),
    passkeysOf(holder.codiceFiscale),
  ]);
  const passkeys = existing.filter(current(holder));
  await removeOrphans(existing.filter((p) => !current(holder)(p)));
  if (passkeys.length >= PASSKEY_LIMIT) throw passkeyLimit();
  const rp = relyingParty();
  const { holder: person } = holder.credential;
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: new Uint8Array(Buffer.from(userHandle, "base64url")),
    userName: holder.codiceFiscale,
    userDisplayName: `${person.givenName} ${person.surname}`,
    challenge: new Uint8Array(randomBytesOf(32)),
    timeout: CHALLENGE_TTL_MS,
    attestationType: "none",
    excludeCredentials: passkeys.map((p) => ({ id: p.webauthnId })),
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: "required",
    },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  const challengeId = randomId();
  await putChallenge({
    challengeId,
    purpose: "registration",
    challenge: options.challenge,
    codiceFiscale: holder.codiceFiscale,
    expiresAtMs: nowMs() + CHALLENGE_TTL_MS,
  });
  return { challengeId, options };
}

/**
 * Primary course (F19, registration step 2): take the challenge (single use), verify the attestation against
 * it, this origin and relying party, with user verification, then add the passkey with its audit record and a
 * notice to every contact in one transaction that also takes one of the holder's 5 places and requires the
 * credential to be the one the token was issued for, still active.
 */
export async function registerPasskey(holder: Holder, input: RegisterPasskey) {
  requireRecentLogin(holder, ["pwd"]);
  const challenge = await takeChallenge(input.challengeId, "registration");
  if (challenge?.codiceFiscale !== holder.codiceFiscale) throw passkeyNotVerified();
  const verification = await verifyRegistrationResponse({
    response: input.response,
    ...expectations(challenge.challenge),
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  }).catch(() => undefined);
  if (!verification?.verified) throw passkeyNotVerified();
  const { credential, credentialBackedUp } = verification.registrationInfo;
  const createdAt = now().toISOString();
  const stored: StoredPasskey = {
    id: randomId(),
    codiceFiscale: holder.codiceFiscale,
    webauthnId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString("base64url"),
    counter: credential.counter,
    ...(credential.transports ? { transports: credential.transports } : {}),
    name: input.name ?? `Passkey ${createdAt.slice(0, 10)}`,
    createdAt,
    backedUp: credentialBackedUp,
    boundTo: holder.credential.createdAt,
  };
  const credentialStillActive: TransactItem = {
    ConditionCheck: {
      TableName: required("TABLE_NAME"),
      Key: credentialKey(holder.codiceFiscale),
      ConditionExpression: "credentialId = :cid AND #status = :active",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":cid": holder.credentialId, ":active": "active" },
    },
  };
  await transact(
    [
      ...passkeyAdditions(stored, PASSKEY_LIMIT),
      credentialStillActive,
      { Put: auditEventPut(passkeyEvent(holder.codiceFiscale, "passkey-added", stored)) },
      ...noticeItems({
        type: "passkey-added",
        to: holder.credential.contacts,
        message: passkeyAddedNotice(stored.name),
      }),
    ],
    {
      conditions: {
        1: new ConflictError("passkey-exists", "This passkey is already registered."),
        2: passkeyLimit,
        3: new UnauthorizedError("invalid-token", "The access token no longer matches an active PIN."),
      },
      conflictRetries: 3,
    },
  );
  return { id: stored.id, name: stored.name, createdAt };
}

/**
 * Passkeys of a credential that ended without a revocation (an initial PIN that expired and was replaced by a
 * new request) are never honoured; they are removed before a new one is added, so they do not hold places.
 */
async function removeOrphans(orphans: StoredPasskey[]): Promise<void> {
  for (const orphan of orphans) {
    await transact(passkeyRemoval(orphan)).catch((error: unknown) => {
      if (!(error instanceof TransactionCancelled)) throw error;
    });
  }
}

export async function listPasskeys(holder: Holder) {
  const passkeys = await passkeysOf(holder.codiceFiscale);
  return {
    items: passkeys
      .filter(current(holder))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(passkeyView),
  };
}

export async function renameHoldersPasskey(holder: Holder, id: string, name: string) {
  const existing = await getPasskey(holder.codiceFiscale, id);
  if (!existing || !current(holder)(existing)) throw new NotFoundError("No such passkey of yours.");
  const renamed = await renamePasskey(holder.codiceFiscale, id, name);
  if (!renamed) throw new NotFoundError("No such passkey of yours.");
  await recordAuditEvent(passkeyEvent(holder.codiceFiscale, "passkey-renamed", renamed));
  return passkeyView(renamed);
}

/**
 * Primary course (F19, removal): with a PIN or passkey login of the last 5 minutes, delete the passkey, its
 * lookup and its place, audited, every contact told, in one transaction.
 */
export async function deletePasskey(holder: Holder, id: string): Promise<void> {
  requireRecentLogin(holder, ["pwd", "pop"]);
  const stored = await getPasskey(holder.codiceFiscale, id);
  if (!stored) throw new NotFoundError("No such passkey of yours.");
  await transact(
    [
      ...passkeyRemoval(stored),
      { Put: auditEventPut(passkeyEvent(holder.codiceFiscale, "passkey-removed", stored)) },
      ...noticeItems({
        type: "passkey-removed",
        to: holder.credential.contacts,
        message: passkeyRemovedNotice(stored.name),
      }),
    ],
    { conditions: { 0: new NotFoundError("No such passkey of yours.") }, conflictRetries: 3 },
  );
}

function passkeyEvent(
  codiceFiscale: string,
  type: "passkey-added" | "passkey-renamed" | "passkey-removed",
  stored: StoredPasskey,
) {
  return {
    codiceFiscale,
    type,
    channel: "web",
    actor: "citizen",
    outcome: "success" as const,
    details: { passkeyId: stored.id, backedUp: stored.backedUp },
  };
}
