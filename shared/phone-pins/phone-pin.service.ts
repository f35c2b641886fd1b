import { auditEventPut, recordAuditEvent } from "../audit/audit.store.ts";
import { clearAttempts, reserveAttempt } from "../credentials/attempts.store.ts";
import { getCredential } from "../credentials/credential.store.ts";
import { hashSecret, verifyAgainstDummy, verifySecret } from "../credentials/pin-hash.ts";
import { phonePinIssuedNotice } from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { nowMs } from "../platform/clock.ts";
import { RetryableError } from "../platform/errors.ts";
import { countMetric } from "../platform/metrics.ts";
import { randomString } from "../platform/random.ts";
import { deletePhonePin, type PhonePinItem, phonePinKey, phonePinPut } from "./phone-pin.store.ts";

const VALIDITY_DAYS = { "1d": 1, "1w": 7, "1m": 30, "3m": 90 } as const;
/** Wrong tries that kill the current phone PIN. */
export const PHONE_PIN_MAX_FAILURES = 5;

/**
 * Primary course (F12): a holder authenticated by SPID/CIE/CNS gets an 8-digit phone PIN for the chosen
 * validity; it replaces any previous one, is stored only as a salted hash with a TTL, and the holder's
 * registered contacts (if they hold a PIN) are told.
 */
export async function issuePhonePin(
  codiceFiscale: string,
  validity: keyof typeof VALIDITY_DAYS,
  provider: string,
) {
  const phonePin = randomString("0123456789", 8);
  const expiresAtMs = nowMs() + VALIDITY_DAYS[validity] * 86_400_000;
  const expiresAt = new Date(expiresAtMs).toISOString();
  const credential = await getCredential(codiceFiscale);
  const holder = credential && credential.status !== "revoked" ? credential : undefined;
  // The code itself is the answer (synchronous); the notice to the holder's contacts commits with it.
  const written = await commitWithNotices(
    [
      phonePinPut({ codiceFiscale, hash: await hashSecret(phonePin), expiresAtMs, validity }),
      {
        Put: auditEventPut({
          codiceFiscale,
          type: "phone-pin-issued",
          channel: "web",
          actor: `identity:${provider}`,
          outcome: "success",
          details: { validity },
        }),
      },
    ],
    ...(holder
      ? [{ type: "phone-pin-issued", to: holder.contacts, message: phonePinIssuedNotice(expiresAt) }]
      : []),
  );
  // Only a concurrent request for the same holder can cancel it: that one's code stands.
  if (!written) throw new RetryableError("The phone PIN could not be issued. Please retry.");
  countMetric("PhonePinIssued");
  return { phonePin, expiresAt };
}

/**
 * A contact-center operator checks the code a caller reads out. Every check takes a guess first (parallel
 * checks cannot exceed the budget); the fifth wrong one deletes the code. Expired codes are refused even
 * before DynamoDB's TTL removes them.
 */
export async function verifyPhonePin(
  codiceFiscale: string,
  phonePin: string,
  operatorId: string,
): Promise<boolean> {
  const key = phonePinKey(codiceFiscale);
  const code = phonePin.replace(/\s/g, "");
  const reservation = await reserveAttempt<PhonePinItem>(key, (item) => item.expiresAtMs > nowMs());
  if (!reservation.ok) {
    await verifyAgainstDummy(code);
    return false;
  }
  const valid = await verifySecret(code, reservation.item.hash);
  if (valid) {
    await clearAttempts(key);
  } else if (reservation.failures >= PHONE_PIN_MAX_FAILURES) {
    await deletePhonePin(codiceFiscale, reservation.item.hash);
  }
  await recordAuditEvent({
    codiceFiscale,
    type: "phone-pin-verified",
    channel: "contact-center",
    actor: `operator:${operatorId}`,
    outcome: valid ? "success" : "failure",
  });
  return valid;
}
