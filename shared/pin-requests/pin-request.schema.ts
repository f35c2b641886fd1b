import { emailSchema } from "../credentials/contacts.ts";
import { mobileSchema } from "../credentials/mobile.ts";
import { codiceFiscaleSchema, countryCodeSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

// The codice fiscale has a module of its own (without the contacts' phone-number library), used as it is here.
export { codiceFiscaleSchema };

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

export const contactsSchema = z.withChecks(
  z.strictObject({
    mobile: z.optional(mobileSchema),
    email: z.optional(emailSchema),
    pec: z.optional(emailSchema),
  }),
  z.refine((c) => c.mobile ?? c.email ?? c.pec, "At least one contact (mobile, email or pec) is required"),
  z.meta({ minProperties: 1, description: "At least one of mobile, email (an ordinary mailbox) and pec." }),
);

export const healthCardSchema = z.strictObject({
  number: z.withChecks(z.string(), z.regex(/^\d{20}$/, "The health card number has 20 digits")),
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
  hasItalianIdDocument: z.boolean(),
  contacts: contactsSchema,
  partAChannel: z.enum(["sms", "email", "pec"]),
  healthCard: z.optional(healthCardSchema),
};

export const pinRequestSchema = z.withChecks(
  z.strictObject(citizenRequestFields),
  z.superRefine((request, ctx) => {
    if (!request.contacts[channelContact[request.partAChannel]]) {
      ctx.addIssue({
        code: "custom",
        path: ["partAChannel"],
        message: `The chosen channel needs contacts.${channelContact[request.partAChannel]}`,
      });
    }
  }),
  z.meta({
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
  }),
);

export type PinRequest = z.infer<typeof pinRequestSchema>;

export const pinRequestAcceptedSchema = z.object({
  requestId: z.uuid(),
  partASentTo: z.object({ channel: z.enum(["sms", "email", "pec"]), masked: z.string() }),
  letter: z.object({
    expectedWithinDays: z.withChecks(z.number(), z.int()),
    /** The recorded residence the letter goes to (SPEC §3): never an address typed in the request. */
    sentTo: z.object({ countryCode: z.string(), city: z.string() }),
    addressOnRecordDiffers: z.boolean(),
    note: z.optional(z.string()),
  }),
});

export type PinRequestAccepted = z.infer<typeof pinRequestAcceptedSchema>;

export function contactFor(request: Pick<PinRequest, "contacts" | "partAChannel">): string {
  return request.contacts[channelContact[request.partAChannel]] as string;
}
