import type { CitizenPrincipal } from "../auth/access-token.ts";
import { maskEmail, maskMobile } from "../credentials/contacts.ts";
import { getCredential } from "../credentials/credential.store.ts";
import { UnauthorizedError } from "../platform/errors.ts";

/** The credential an access token was issued for, if it is still the holder's active one; else a 401. */
export async function currentCredential(principal: CitizenPrincipal) {
  const credential = await getCredential(principal.codiceFiscale);
  if (!credential || credential.credentialId !== principal.credentialId || credential.status !== "active") {
    throw new UnauthorizedError("invalid-token", "The access token no longer matches an active PIN.");
  }
  return credential;
}

/** The holder's own profile (F4): identity, PIN type and expiry, contacts masked. */
export async function readProfile(principal: CitizenPrincipal) {
  const credential = await currentCredential(principal);
  const { contacts } = credential;
  return {
    codiceFiscale: credential.codiceFiscale,
    surname: credential.holder.surname,
    givenName: credential.holder.givenName,
    birthDate: credential.holder.birthDate,
    holderKind: credential.holderKind,
    pinType: credential.pinType,
    pinExpiresAt: credential.pinExpiresAt!,
    residence: { countryCode: credential.residence.countryCode, city: credential.residence.city },
    contacts: {
      ...(contacts.mobile ? { mobile: maskMobile(contacts.mobile) } : {}),
      ...(contacts.email ? { email: maskEmail(contacts.email) } : {}),
      ...(contacts.pec ? { pec: maskEmail(contacts.pec) } : {}),
    },
  };
}
