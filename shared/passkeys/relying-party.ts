import { required } from "../platform/config.ts";

/**
 * The WebAuthn relying party is the web origin (F19): its host is the relying party id, and the origin itself
 * is the only one a ceremony is accepted from (checked exactly, no subdomains, no other port).
 */
export function relyingParty(): { id: string; name: string; origin: string } {
  const origin = required("WEB_ORIGIN");
  return { id: new URL(origin).hostname, name: "PIN INPS", origin };
}

/** COSE algorithms offered and accepted: EdDSA, ES256, RS256. */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];

/** How long a registration or login ceremony may take: its challenge lives this long. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** At most this many passkeys per holder. */
export const PASSKEY_LIMIT = 5;

/** What every ceremony's response is verified against: its challenge, this origin exactly, this relying party, a verified user. */
export function expectations(challenge: string) {
  const rp = relyingParty();
  return {
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
  };
}
