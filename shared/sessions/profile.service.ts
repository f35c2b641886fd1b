import type { Holder } from "../auth/access-token.ts";
import { maskEmail, maskMobile } from "../credentials/contacts.ts";

/** The holder's own profile (F4): identity, PIN type and expiry, contacts masked. */
export function readProfile({ credential }: Holder) {
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
