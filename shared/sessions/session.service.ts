import { type AuditEvent, auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { ACCESS_TOKEN_TTL_SECONDS, type CitizenPrincipal, issueAccessToken } from "../auth/access-token.ts";
import { clearAttempts, reserveAttempt } from "../credentials/attempts.store.ts";
import { type Credential, credentialKey, pinValidityDays } from "../credentials/credential.model.ts";
import { expiryIndexAttributes, getCredential, versionedUpdate } from "../credentials/credential.store.ts";
import { hashSecret, verifyAgainstDummy, verifySecret } from "../credentials/pin-hash.ts";
import {
  checkNewPin,
  isInitialPinShape,
  isOperationalPinShape,
  normalisePinInput,
} from "../credentials/pin-rules.ts";
import {
  pinActivatedNotice,
  pinBlockedNotice,
  pinChangedNotice,
  pinLockedNotice,
} from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { addDays, now, nowMs } from "../platform/clock.ts";
import { AppError, UnauthorizedError } from "../platform/errors.ts";
import { logger } from "../platform/logger.ts";
import { countMetric } from "../platform/metrics.ts";
import {
  boundPinHash,
  CHANGE_TOKEN_TTL_SECONDS,
  consumeChangeToken,
  createChangeToken,
  pinFingerprint,
  readChangeToken,
} from "./change-token.store.ts";

export type LoginResult =
  | {
      outcome: "authenticated";
      accessToken: string;
      expiresIn: number;
      pinType: Credential["pinType"];
      pinExpiresAt: string;
    }
  | {
      outcome: "pin-change-required";
      reason: "first-access" | "expired";
      changeToken: string;
      expiresIn: number;
    };

/** The one answer to every failed login, whatever the reason (docs/product/credential-rules.md#enumeration). */
export function invalidCredentials(): AppError {
  return new UnauthorizedError("invalid-credentials", "The codice fiscale or the PIN is not correct.");
}

const usableForLogin = (c: Credential) => c.status === "pending-first-access" || c.status === "active";

/**
 * Primary course (F3/F4): take one guess from the credential's budget, check the PIN with the slow hash, and
 * answer with an access token, or with a change token when the 16-character PIN is used for the first time
 * or the 8-character one has expired. Unknown, locked, blocked and revoked credentials run the same hash
 * against a dummy and get the same 401.
 */
export async function login(codiceFiscale: string, pinInput: string): Promise<LoginResult> {
  const pin = normalisePinInput(pinInput);
  const reservation = await reserveAttempt<Credential>(credentialKey(codiceFiscale), usableForLogin);
  if (!reservation.ok) {
    await verifyAgainstDummy(pin);
    if (reservation.reason !== "missing") {
      await recordAuditEvent({
        codiceFiscale,
        type: "login-refused-locked",
        channel: "web",
        actor: "citizen",
        outcome: "refused",
        details: { state: reservation.reason },
      });
    }
    countMetric("LoginFailed");
    throw invalidCredentials();
  }
  const credential = reservation.item;
  const at = nowMs();
  const initialLive =
    credential.status === "pending-first-access" &&
    credential.initialPinHash !== undefined &&
    Date.parse(credential.initialPinExpiresAt ?? "") > at;
  const hash =
    isInitialPinShape(pin) && initialLive
      ? credential.initialPinHash
      : credential.status === "active" && isOperationalPinShape(pin)
        ? credential.pinHash
        : undefined;
  const correct = hash ? await verifySecret(pin, hash) : await verifyAgainstDummy(pin).then(() => false);
  if (!correct) {
    await recordFailure(credential, reservation);
    countMetric("LoginFailed");
    throw invalidCredentials();
  }
  // A correct PIN is a successful login, whether it gets an access token or must be changed first.
  if (credential.status === "pending-first-access" || Date.parse(credential.pinExpiresAt ?? "") <= at) {
    await clearAttempts(credentialKey(codiceFiscale));
    return changeRequired(
      credential,
      credential.status === "pending-first-access" ? "first-access" : "expired",
      hash!,
    );
  }
  // Independent steps of a successful login run side by side: one round trip instead of three.
  const [, , accessToken] = await Promise.all([
    clearAttempts(credentialKey(codiceFiscale)),
    recordAuditEvent({
      codiceFiscale,
      type: "login-succeeded",
      channel: "web",
      actor: "citizen",
      outcome: "success",
    }),
    issueAccessToken({
      codiceFiscale,
      credentialId: credential.credentialId,
      pinType: credential.pinType,
      amr: ["pwd"],
    }),
  ]);
  countMetric("LoginSucceeded");
  return authenticated(credential, accessToken);
}

function authenticated(credential: Credential, accessToken: string): LoginResult {
  return {
    outcome: "authenticated",
    accessToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    pinType: credential.pinType,
    pinExpiresAt: credential.pinExpiresAt!,
  };
}

/**
 * The answer to a login proven another way than the PIN (a passkey, F19), on the credential's own terms: an
 * expired PIN still has to be renewed (a change token bound to the current PIN's hash, as for a correct expired
 * PIN), otherwise an access token saying how and when the holder logged in.
 */
export async function sessionFor(credential: Credential, amr: CitizenPrincipal["amr"]): Promise<LoginResult> {
  if (!credential.pinHash || Date.parse(credential.pinExpiresAt ?? "") <= nowMs())
    return changeRequired(credential, "expired", credential.pinHash ?? "");
  const accessToken = await issueAccessToken({
    codiceFiscale: credential.codiceFiscale,
    credentialId: credential.credentialId,
    pinType: credential.pinType,
    ...(amr ? { amr } : {}),
  });
  return authenticated(credential, accessToken);
}

/** A change token bound to the PIN hash the login just checked: it can replace that PIN and no later one. */
async function changeRequired(
  credential: Credential,
  reason: "first-access" | "expired",
  checkedHash: string,
): Promise<LoginResult> {
  const changeToken = await createChangeToken({
    codiceFiscale: credential.codiceFiscale,
    credentialId: credential.credentialId,
    reason,
    pinFingerprint: pinFingerprint(checkedHash),
  });
  await recordAuditEvent({
    codiceFiscale: credential.codiceFiscale,
    type: "pin-change-required",
    channel: "web",
    actor: "citizen",
    outcome: "success",
    details: { reason },
  });
  countMetric("LoginSucceeded");
  return { outcome: "pin-change-required", reason, changeToken, expiresIn: CHANGE_TOKEN_TTL_SECONDS };
}

/**
 * Audits a wrong guess and, when it locked or blocked the credential, tells the holder through the outbox. The
 * lock is only provisional until the guess is known to be wrong (a correct PIN lifts it), so its record and its
 * notice are written together once it is, in one transaction with the failure's record.
 */
async function recordFailure(
  credential: Credential,
  reservation: { failures: number; lockedUntil?: number; blocked: boolean },
): Promise<void> {
  const { codiceFiscale } = credential;
  const failure: AuditEvent = {
    codiceFiscale,
    type: "login-failed",
    channel: "web",
    actor: "citizen",
    outcome: "failure",
    details: { consecutiveFailures: reservation.failures },
  };
  const lockedUntil =
    reservation.lockedUntil === undefined ? undefined : new Date(reservation.lockedUntil).toISOString();
  if (!reservation.blocked && lockedUntil === undefined) {
    await recordAuditEvent(failure);
    return;
  }
  const type = reservation.blocked ? "pin-blocked" : "pin-locked";
  const lock = auditEventPut({
    codiceFiscale,
    type,
    channel: "web",
    actor: "system",
    outcome: "success",
    details: lockedUntil ? { lockedUntil } : {},
  });
  const message = reservation.blocked ? pinBlockedNotice() : pinLockedNotice(lockedUntil!);
  const written = await commitWithNotices([{ Put: auditEventPut(failure) }, { Put: lock }], {
    type,
    to: credential.contacts,
    message,
  });
  if (!written) {
    logger.error("lock not recorded", { type });
    return;
  }
  countMetric(reservation.blocked ? "CredentialBlocked" : "CredentialLocked");
}

function invalidChangeToken(): AppError {
  return new UnauthorizedError("invalid-token", "The change token is not valid or has expired.");
}

function weakPin(reason: string, message: string): AppError {
  return new AppError(400, "weak-pin", "PIN not allowed", message, {
    errors: [{ path: "newPin", message }],
    extra: { reason },
  });
}

/**
 * Sets the holder's 8-character PIN, consuming a change token (first access, renewal) or after checking the
 * current PIN of an authenticated holder. The new PIN must pass the rules of docs/product/credential-rules.md#operational-pin; the initial PIN dies with
 * the change. Parallel uses of one token: exactly one wins, the transaction refuses the others. A token
 * changes only the PIN it was minted for: the transaction also requires that PIN's hash to be unchanged, so
 * a second token from an earlier login cannot replace the PIN the first one set.
 */
export async function changePin(
  input: { changeToken: string; newPin: string } | { currentPin: string; newPin: string },
  principal?: CitizenPrincipal,
): Promise<{ outcome: "pin-changed"; pinType: Credential["pinType"]; pinExpiresAt: string }> {
  const newPin = normalisePinInput(input.newPin);
  let credential: Credential | undefined;
  let tokenCondition: ReturnType<typeof consumeChangeToken> | undefined;
  let stillBound: Record<string, string> = {};
  let currentPin: string | undefined;
  if ("changeToken" in input) {
    const grant = await readChangeToken(input.changeToken);
    credential = grant ? await getCredential(grant.codiceFiscale) : undefined;
    const bound = grant && credential ? boundPinHash(credential, grant.reason) : undefined;
    if (
      !grant ||
      !credential ||
      credential.credentialId !== grant.credentialId ||
      !bound ||
      pinFingerprint(bound.hash) !== grant.pinFingerprint
    ) {
      throw invalidChangeToken();
    }
    tokenCondition = consumeChangeToken(input.changeToken);
    stillBound = { [bound.attribute]: bound.hash };
  } else {
    if (!principal) throw new UnauthorizedError();
    const reservation = await reserveAttempt<Credential>(
      credentialKey(principal.codiceFiscale),
      (c) => c.status === "active" && c.credentialId === principal.credentialId,
    );
    currentPin = normalisePinInput(input.currentPin);
    if (!reservation.ok) {
      await verifyAgainstDummy(currentPin);
      throw invalidCredentials();
    }
    credential = reservation.item;
    if (!credential.pinHash || !(await verifySecret(currentPin, credential.pinHash))) {
      await recordFailure(credential, reservation);
      throw invalidCredentials();
    }
    await clearAttempts(credentialKey(principal.codiceFiscale));
  }

  const verdict = checkNewPin(newPin, {
    currentPin,
    codiceFiscale: credential.codiceFiscale,
    surname: credential.holder.surname,
    givenName: credential.holder.givenName,
  });
  if (!verdict.ok) throw weakPin(verdict.reason, verdict.message);
  if (currentPin === undefined && credential.pinHash && (await verifySecret(newPin, credential.pinHash))) {
    throw weakPin("same-as-current", "The new PIN must differ from the current one.");
  }

  const setAt = now();
  const pinExpiresAt = addDays(setAt, pinValidityDays(credential.holderKind)).toISOString();
  const firstAccess = credential.status === "pending-first-access";
  const update = versionedUpdate(
    credential.codiceFiscale,
    credential.version,
    {
      status: "active",
      pinHash: await hashSecret(newPin),
      pinSetAt: setAt.toISOString(),
      pinExpiresAt,
      everUsed: true,
      failures: 0,
      blocked: false,
      remindersSent: [],
      updatedAt: setAt.toISOString(),
      ...expiryIndexAttributes(credential, pinExpiresAt),
    },
    ["initialPinHash", "initialPinExpiresAt", "initialPinDelivery", "lockedUntil"],
    stillBound,
  );
  // The new PIN, its audit record and the holder's notice commit together, or nothing does.
  const changed = await commitWithNotices(
    [
      { Update: update },
      ...(tokenCondition ? [{ Delete: tokenCondition }] : []),
      {
        Put: auditEventPut({
          codiceFiscale: credential.codiceFiscale,
          type: firstAccess ? "pin-activated" : "pin-changed",
          channel: "web",
          actor: "citizen",
          outcome: "success",
        }),
      },
    ],
    {
      type: firstAccess ? "pin-activated" : "pin-changed",
      to: credential.contacts,
      message: firstAccess ? pinActivatedNotice() : pinChangedNotice(),
    },
  );
  if (!changed) throw invalidChangeToken();
  countMetric("PinChanged");
  return { outcome: "pin-changed", pinType: credential.pinType, pinExpiresAt };
}
