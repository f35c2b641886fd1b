import * as z from "../platform/zod.ts";
import { CODICE_FISCALE_PATTERN, isValidCodiceFiscale, normaliseCodiceFiscale } from "./codice-fiscale.ts";
import { COUNTRY_CODES, isCountryCode } from "./country-codes.ts";

/**
 * The schemas of who a person is and where, shared by every route that names one and by the record of insured
 * persons: the codice fiscale, names, birth, residence, health card. No contact here, so a function that
 * validates only these carries no phone-number library.
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

const isoDate = z.iso.date("Use the format YYYY-MM-DD");
/** Text with at least one character that is not a space (it is trimmed before its length is checked). */
const text = (max: number) =>
  z.withChecks(
    z.string(),
    z.trim(),
    z.minLength(1, "Required"),
    z.maxLength(max),
    z.meta({ pattern: "\\S", description: `At most ${max} characters once trimmed; not blank.` }),
  );

export const residenceSchema = z.strictObject({
  countryCode: countryCodeSchema,
  addressLines: z.withChecks(z.array(text(70)), z.minLength(1), z.maxLength(4)),
  city: text(60),
  postalCode: text(16),
  region: z.optional(text(60)),
});

export const healthCardSchema = z.strictObject({
  number: z.withChecks(z.string(), z.regex(/^\d{20}$/, "The health card number has 20 digits")),
  expiryDate: isoDate,
});

/** Who a person is and where they live: what a PIN request names and what the record of insured persons holds. */
export const personFields = {
  codiceFiscale: codiceFiscaleSchema,
  surname: text(60),
  givenName: text(60),
  birthDate: isoDate,
  sex: z.enum(["M", "F"]),
  birthPlaceCode: z.withChecks(
    z.pipe(
      z.string(),
      z.transform((s: string) => s.trim().toUpperCase()),
    ),
    z.refine((s) => /^[A-Z]\d{3}$/.test(s), "A Belfiore code: one letter and three digits, e.g. Z404"),
    z.meta({
      id: "BelfioreCode",
      pattern: "^[A-Z][0-9]{3}$",
      description:
        "The birthplace's Belfiore (cadastral) code: an Italian municipality (H501 Rome) or Z and three digits " +
        "for a foreign country (Z404 USA); lower case accepted.",
      examples: ["Z404", "H501"],
    }),
  ),
  residence: residenceSchema,
};

/** A person as the record holds them (docs/product/credential-rules.md#person-on-record). */
export const personSchema = z.strictObject(personFields);
export type Person = z.infer<typeof personSchema>;
