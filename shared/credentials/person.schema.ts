import * as z from "../platform/zod.ts";
import { CODICE_FISCALE_PATTERN, isValidCodiceFiscale, normaliseCodiceFiscale } from "./codice-fiscale.ts";
import { COUNTRY_CODES, isCountryCode } from "./country-codes.ts";

/**
 * The schemas of who a person is and where, shared by every route that names one: the codice fiscale and a
 * country. No contact here, so a function that validates only these carries no phone-number library.
 */

export const codiceFiscaleSchema = z.withChecks(
  z.pipe(z.withChecks(z.string(), z.maxLength(32)), z.transform(normaliseCodiceFiscale)),
  z.refine(isValidCodiceFiscale, "Not a valid codice fiscale (16 characters with a correct check character)"),
  z.meta({
    id: "CodiceFiscale",
    pattern: CODICE_FISCALE_PATTERN.source,
    description:
      "An Italian codice fiscale (DM 23/12/1976): 16 characters whose last is the check character of the other " +
      "15, day of birth 01-31 (41-71 for women). Omocodic variants (digits replaced by L M N P Q R S T U V) are " +
      "valid and distinct identities. Lower case and surrounding spaces are accepted and normalised. Where the " +
      "request also names the person, it must agree with surname, given name, birth date, sex and birthplace " +
      "(422 codice-fiscale-mismatch).",
    examples: ["RSSMRA80A01Z404R"],
  }),
);

export const countryCodeSchema = z.withChecks(
  z.pipe(
    z.string(),
    z.transform((s: string) => s.trim().toUpperCase()),
  ),
  z.refine(isCountryCode, "Not an ISO 3166-1 alpha-2 country code"),
  z.meta({
    id: "CountryCode",
    enum: [...COUNTRY_CODES],
    description: "An ISO 3166-1 alpha-2 country code; lower case and surrounding spaces are accepted.",
    examples: ["US"],
  }),
);
