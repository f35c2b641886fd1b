import type { Contacts } from "../notifications/channels.ts";

export type PinType = "ordinario" | "dispositivo";
export type HolderKind = "citizen" | "intermediary";
export type IntermediaryKind = "caf" | "patronato" | "professional" | "employer";

/**
 * `issuing`: created, part A not yet confirmed sent — not usable, replaced by the next request.
 * `pending-first-access`: the 16-character initial PIN is live. `active`: the holder chose an 8-character PIN.
 * `revoked`: dead; a new request may replace it.
 */
export type CredentialStatus = "issuing" | "pending-first-access" | "active" | "revoked";

export interface Residence {
  countryCode: string;
  addressLines: string[];
  city: string;
  postalCode: string;
  region?: string;
}

export interface HolderIdentity {
  surname: string;
  givenName: string;
  birthDate: string;
  sex: "M" | "F";
  birthPlaceCode: string;
}

/** The one credential item of a holder: pk `CF#<codiceFiscale>`, sk `CREDENTIAL`. */
export interface Credential {
  credentialId: string;
  codiceFiscale: string;
  holder: HolderIdentity;
  residence: Residence;
  contacts: Contacts;
  /**
   * Contacts added by the contact center (F7), with the time until which they receive no recovery link and
   * no PIN half: someone who talked a contact into the record cannot use it to take the PIN over.
   */
  contactQuietUntil?: Partial<Record<keyof Contacts, string>>;
  healthCard?: { number: string; expiryDate: string };
  holderKind: HolderKind;
  /** For intermediaries (F13): what they are and for whom they work. */
  intermediary?: { kind: IntermediaryKind; organisation: string };
  pinType: PinType;
  status: CredentialStatus;
  /** Salted slow hash of the 16-character initial PIN while it is live. */
  initialPinHash?: string;
  initialPinExpiresAt?: string;
  initialPinDelivery?: "post" | "electronic" | "branch";
  /** Salted slow hash of the 8-character PIN the holder chose. */
  pinHash?: string;
  pinSetAt?: string;
  pinExpiresAt?: string;
  /** The holder completed first access at least once (recovery needs it). */
  everUsed: boolean;
  /** Consecutive failed checks, lock and block (docs/product/credential-rules.md#attempts). */
  failures: number;
  lockedUntil?: number;
  blocked?: boolean;
  /** The postal letter of the current initial PIN, if one was queued. */
  letterId?: string;
  /** The holder's conversion request still open (F10): one at a time. */
  openConversionId?: string;
  /** Expiry reminders already sent for the current `pinExpiresAt` (days before). */
  remindersSent?: number[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const credentialKey = (codiceFiscale: string) => ({ pk: `CF#${codiceFiscale}`, sk: "CREDENTIAL" });

/** PIN validity by holder kind (docs/product/credential-rules.md#expiry). */
export function pinValidityDays(kind: HolderKind): number {
  return kind === "intermediary" ? 90 : 180;
}

/** Is the credential one a new request must not replace? */
export function isLive(credential: Credential, nowMs: number): boolean {
  switch (credential.status) {
    case "active":
      return true;
    case "pending-first-access":
      return (
        credential.initialPinExpiresAt !== undefined && Date.parse(credential.initialPinExpiresAt) > nowMs
      );
    case "issuing":
      // Another request is between its write and its part-A delivery; it settles in seconds.
      return nowMs - Date.parse(credential.updatedAt) < 120_000;
    default:
      return false;
  }
}

/** The contacts that may carry a recovery link or a PIN half now (F7's quiet period excluded). */
export function trustedContacts(
  credential: Pick<Credential, "contacts" | "contactQuietUntil">,
  nowMs: number,
) {
  const trusted: Contacts = {};
  for (const kind of ["mobile", "email", "pec"] as const) {
    const quietUntil = credential.contactQuietUntil?.[kind];
    const value = credential.contacts[kind];
    if (value && (!quietUntil || Date.parse(quietUntil) <= nowMs)) trusted[kind] = value;
  }
  return trusted;
}
