import { AppError } from "../platform/errors.ts";
import {
  checkCodiceFiscaleConsistency,
  decodeOmocodia,
  givenNameCode,
  surnameCode,
} from "./codice-fiscale.ts";
import type { Person } from "./person.schema.ts";

/**
 * Who may hold a PIN (docs/product/credential-rules.md), judged the same on every channel: the typed identity agrees with its codice
 * fiscale, and a citizen lives abroad without an Italian identity document, as typed and as on record.
 */

/** The typed identity must agree with the codice fiscale (docs/product/credential-rules.md), on every channel. */
export function assertConsistentWithCodiceFiscale(
  person: Pick<Person, "codiceFiscale" | "surname" | "givenName" | "birthDate" | "sex" | "birthPlaceCode">,
): void {
  const mismatches = checkCodiceFiscaleConsistency(person.codiceFiscale, person);
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
 * Names alone must agree with the codice fiscale (the name codes of its first six characters): for a person
 * known by name only, such as a delegate (F14) or someone booking a branch visit (F18).
 */
export function assertNamesMatch(
  person: { codiceFiscale: string; surname: string; givenName: string },
  path: string,
): void {
  const base = decodeOmocodia(person.codiceFiscale);
  if (
    base.slice(0, 3) !== surnameCode(person.surname) ||
    base.slice(3, 6) !== givenNameCode(person.givenName)
  ) {
    throw new AppError(
      422,
      "codice-fiscale-mismatch",
      "Codice fiscale does not match",
      "The names do not agree with the codice fiscale.",
      { errors: [{ path, message: "Does not agree with the codice fiscale" }] },
    );
  }
}

/** Since 1 October 2021 the PIN is only for residents abroad without an Italian identity document. */
export function assertEligible(person: Pick<Person, "residence"> & { hasItalianIdDocument: boolean }): void {
  if (person.residence.countryCode === "IT" || person.hasItalianIdDocument) {
    throw new AppError(
      422,
      "not-eligible",
      "Not eligible for a PIN",
      "Since 1 October 2021 the PIN is issued only to residents abroad without an Italian identity document. " +
        "Use SPID, CIE (Carta d'identità elettronica) or CNS (Carta nazionale dei servizi) instead.",
      { extra: { alternatives: ["SPID", "CIE", "CNS"] } },
    );
  }
}

/** Eligibility judged on the recorded residence: a person on record as living in Italy is not eligible. */
export function assertRecordedAbroad(record: Pick<Person, "residence">): void {
  if (record.residence.countryCode === "IT") {
    throw new AppError(
      422,
      "not-eligible",
      "Not eligible for a PIN",
      "The institution's records show a residence in Italy: the PIN is issued only to residents abroad. " +
        "Use SPID, CIE or CNS, or update your residence at a branch or through the contact center.",
      { extra: { alternatives: ["SPID", "CIE", "CNS"] } },
    );
  }
}
