import { generateAuthenticationOptions, verifyAuthenticationResponse } from "@simplewebauthn/server";
import { recordAuditEvent } from "../audit/audit.store.ts";
import { getCredential } from "../credentials/credential.store.ts";
import { now, nowMs } from "../platform/clock.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomBytesOf, randomId } from "../platform/random.ts";
import { invalidCredentials, type LoginResult, sessionFor } from "../sessions/session.service.ts";
import type { PasskeyLogin } from "./passkey.schema.ts";
import {
  markPasskeySuspect,
  passkeyByWebauthnId,
  putChallenge,
  readPasskeyHolder,
  recordPasskeyUse,
  type StoredPasskey,
  takeChallenge,
} from "./passkey.store.ts";
import { CHALLENGE_TTL_MS, expectations, relyingParty } from "./relying-party.ts";

/**
 * Primary course (F19, login step 1): a fresh random challenge for this relying party, with user verification
 * required and no allowCredentials, so the browser offers whichever of the holder's passkeys it holds (also in
 * the codice fiscale field's autocomplete, conditional UI).
 */
export async function passkeyLoginOptions() {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    challenge: new Uint8Array(randomBytesOf(32)),
    timeout: CHALLENGE_TTL_MS,
    userVerification: "required",
  });
  const challengeId = randomId();
  await putChallenge({
    challengeId,
    purpose: "authentication",
    challenge: options.challenge,
    expiresAtMs: nowMs() + CHALLENGE_TTL_MS,
  });
  return { challengeId, options };
}

/**
 * Primary course (F19, login step 2): take the challenge (of parallel uses exactly one gets it), find the
 * passkey by its credential id, hold it to the credential's rules (active, not locked, not blocked, the same
 * credential it was added to), verify the assertion (this origin and relying party, user verified, the
 * holder's user handle), then record the new signature counter on condition it did not move meanwhile, and
 * answer as a PIN login would (an expired PIN still needs renewing), the token saying `amr: ["pop"]`.
 * A counter that went backwards marks the passkey suspect. Every failure is the same 401.
 */
export async function loginWithPasskey(input: PasskeyLogin): Promise<LoginResult> {
  const challenge = await takeChallenge(input.challengeId, "authentication");
  if (!challenge) throw invalidCredentials();
  const stored = await passkeyByWebauthnId(input.response.id);
  if (!stored || stored.suspect) throw invalidCredentials();
  const [credential, holder] = await Promise.all([
    getCredential(stored.codiceFiscale),
    readPasskeyHolder(stored.codiceFiscale),
  ]);
  const at = nowMs();
  const usable =
    credential?.status === "active" &&
    credential.createdAt === stored.boundTo &&
    !credential.blocked &&
    !(credential.lockedUntil !== undefined && credential.lockedUntil > at);
  if (!credential || !holder || !usable) {
    await refused(stored, credential ? "credential-not-usable" : "no-credential");
    throw invalidCredentials();
  }
  const userHandle = input.response.response.userHandle;
  if (userHandle !== undefined && userHandle !== holder.userHandle) throw invalidCredentials();

  const verification = await verifyAuthenticationResponse({
    response: input.response,
    ...expectations(challenge.challenge),
    // The library's own counter check only throws; ours tells a regression from a bad signature.
    credential: {
      id: stored.webauthnId,
      publicKey: new Uint8Array(Buffer.from(stored.publicKey, "base64url")),
      counter: 0,
    },
  }).catch(() => undefined);
  if (!verification?.verified) throw invalidCredentials();
  const { newCounter, credentialBackedUp } = verification.authenticationInfo;
  if ((stored.counter > 0 || newCounter > 0) && newCounter <= stored.counter) {
    await markPasskeySuspect(stored);
    await refused(stored, "counter-regression", "passkey-suspect");
    throw invalidCredentials();
  }
  const recorded = await recordPasskeyUse(stored, {
    counter: newCounter,
    at: now().toISOString(),
    backedUp: credentialBackedUp,
  });
  if (!recorded) throw invalidCredentials();
  countMetric("PasskeyLogin");
  await recordAuditEvent({
    codiceFiscale: stored.codiceFiscale,
    type: "login-succeeded",
    channel: "web",
    actor: "citizen",
    outcome: "success",
    details: { method: "passkey", passkeyId: stored.id },
  });
  return sessionFor(credential, ["pop"]);
}

async function refused(
  stored: StoredPasskey,
  reason: string,
  type: "passkey-login-refused" | "passkey-suspect" = "passkey-login-refused",
): Promise<void> {
  await recordAuditEvent({
    codiceFiscale: stored.codiceFiscale,
    type,
    channel: "web",
    actor: "citizen",
    outcome: "refused",
    details: { passkeyId: stored.id, reason },
  });
}
