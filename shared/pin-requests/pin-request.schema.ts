import { z } from "zod";
import {
  CODICE_FISCALE_PATTERN,
  isValidCodiceFiscale,
  normaliseCodiceFiscale,
} from "../credentials/codice-fiscale.ts";
import { emailSchema, mobileSchema } from "../credentials/contacts.ts";

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
const isCountryCode = (s: string) => /^[A-Z]{2}$/.test(s) && regionNames.of(s) !== undefined;
/** Every code `countryCode` accepts, listed from the same check, for the OpenAPI document. */
const countryCodes = Array.from({ length: 26 * 26 }, (_, i) =>
  String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
).filter(isCountryCode);

export const codiceFiscaleSchema = z
  .string()
  .max(32)
  .transform(normaliseCodiceFiscale)
  .refine(isValidCodiceFiscale, "Not a valid codice fiscale (16 characters with a correct check character)")
  .meta({
    id: "CodiceFiscale",
    pattern: CODICE_FISCALE_PATTERN.source,
    description:
      "An Italian codice fiscale (DM 23/12/1976): 16 characters whose last is the check character of the other " +
      "15, day of birth 01-31 (41-71 for women). Omocodic variants (digits replaced by L M N P Q R S T U V) are " +
      "valid and distinct identities. Lower case and surrounding spaces are accepted and normalised. Where the " +
      "request also names the person, it must agree with surname, given name, birth date, sex and birthplace " +
      "(422 codice-fiscale-mismatch).",
    examples: ["RSSMRA80A01Z404R"],
  });

const isoDate = z.iso.date("Use the format YYYY-MM-DD");
/** Text with at least one character that is not a space (it is trimmed before its length is checked). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "Required")
    .max(max)
    .meta({ pattern: "\\S", description: `At most ${max} characters once trimmed; not blank.` });

export const residenceSchema = z.strictObject({
  countryCode: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine(isCountryCode, "Not an ISO 3166-1 alpha-2 country code")
    .meta({
      id: "CountryCode",
      enum: countryCodes,
      description: "An ISO 3166-1 alpha-2 country code; lower case and surrounding spaces are accepted.",
      examples: ["US"],
    }),
  addressLines: z.array(text(70)).min(1).max(4),
  city: text(60),
  postalCode: text(16),
  region: text(60).optional(),
});

export const contactsSchema = z
  .strictObject({
    mobile: mobileSchema.optional(),
    email: emailSchema.optional(),
    pec: emailSchema.optional(),
  })
  .refine((c) => c.mobile ?? c.email ?? c.pec, "At least one contact (mobile, email or pec) is required")
  .meta({ minProperties: 1, description: "At least one of mobile, email (an ordinary mailbox) and pec." });

export const healthCardSchema = z.strictObject({
  number: z.string().regex(/^\d{20}$/, "The health card number has 20 digits"),
  expiryDate: isoDate,
});

const channelContact = { sms: "mobile", email: "email", pec: "pec" } as const;

/** The citizen data of a PIN request (F1), shared with the operator channels (F8, F9). */
export const citizenRequestFields = {
  codiceFiscale: codiceFiscaleSchema,
  surname: text(60),
  givenName: text(60),
  birthDate: isoDate,
  sex: z.enum(["M", "F"]),
  birthPlaceCode: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine((s) => /^[A-Z]\d{3}$/.test(s), "A Belfiore code: one letter and three digits, e.g. Z404")
    .meta({
      id: "BelfioreCode",
      pattern: "^[A-Z][0-9]{3}$",
      description:
        "The birthplace's Belfiore (cadastral) code: an Italian municipality (H501 Rome) or Z and three digits " +
        "for a foreign country (Z404 USA); lower case accepted.",
      examples: ["Z404", "H501"],
    }),
  residence: residenceSchema,
  hasItalianIdDocument: z.boolean(),
  contacts: contactsSchema,
  partAChannel: z.enum(["sms", "email", "pec"]),
  healthCard: healthCardSchema.optional(),
};

export const pinRequestSchema = z
  .strictObject(citizenRequestFields)
  .superRefine((request, ctx) => {
    if (!request.contacts[channelContact[request.partAChannel]]) {
      ctx.addIssue({
        code: "custom",
        path: ["partAChannel"],
        message: `The chosen channel needs contacts.${channelContact[request.partAChannel]}`,
      });
    }
  })
  .meta({
    description:
      "partAChannel names a contact the request gives: sms needs contacts.mobile, email contacts.email, pec " +
      "contacts.pec. The codice fiscale must agree with the names, birth date, sex and birthplace; the person " +
      "must be on the institution's record (422 not-on-record), resident abroad and without an Italian identity " +
      "document (422 not-eligible).",
    anyOf: Object.entries(channelContact).map(([channel, contact]) => ({
      properties: {
        partAChannel: { const: channel },
        contacts: { required: [contact], properties: { [contact]: { minLength: 1 } } },
      },
    })),
  });

export type PinRequest = z.infer<typeof pinRequestSchema>;

export const pinRequestAcceptedSchema = z.object({
  requestId: z.uuid(),
  partASentTo: z.object({ channel: z.enum(["sms", "email", "pec"]), masked: z.string() }),
  letter: z.object({
    expectedWithinDays: z.number().int(),
    /** The recorded residence the letter goes to (SPEC §3): never an address typed in the request. */
    sentTo: z.object({ countryCode: z.string(), city: z.string() }),
    addressOnRecordDiffers: z.boolean(),
    note: z.string().optional(),
  }),
});

export type PinRequestAccepted = z.infer<typeof pinRequestAcceptedSchema>;

export function contactFor(request: Pick<PinRequest, "contacts" | "partAChannel">): string {
  return request.contacts[channelContact[request.partAChannel]] as string;
}
