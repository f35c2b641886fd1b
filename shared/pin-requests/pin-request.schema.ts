import { z } from "zod";
import { isValidCodiceFiscale, normaliseCodiceFiscale } from "../credentials/codice-fiscale.ts";
import { emailSchema, mobileSchema } from "../credentials/contacts.ts";

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

export const codiceFiscaleSchema = z
  .string()
  .max(32)
  .transform(normaliseCodiceFiscale)
  .refine(isValidCodiceFiscale, "Not a valid codice fiscale (16 characters with a correct check character)");

const isoDate = z.iso.date("Use the format YYYY-MM-DD");
const text = (max: number) => z.string().trim().min(1, "Required").max(max);

export const residenceSchema = z.strictObject({
  countryCode: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine(
      (s) => /^[A-Z]{2}$/.test(s) && regionNames.of(s) !== undefined,
      "Not an ISO 3166-1 alpha-2 country code",
    ),
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
  .refine((c) => c.mobile ?? c.email ?? c.pec, "At least one contact (mobile, email or pec) is required");

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
    .refine((s) => /^[A-Z]\d{3}$/.test(s), "A Belfiore code: one letter and three digits, e.g. Z404"),
  residence: residenceSchema,
  hasItalianIdDocument: z.boolean(),
  contacts: contactsSchema,
  partAChannel: z.enum(["sms", "email", "pec"]),
  healthCard: healthCardSchema.optional(),
};

export const pinRequestSchema = z.strictObject(citizenRequestFields).superRefine((request, ctx) => {
  if (!request.contacts[channelContact[request.partAChannel]]) {
    ctx.addIssue({
      code: "custom",
      path: ["partAChannel"],
      message: `The chosen channel needs contacts.${channelContact[request.partAChannel]}`,
    });
  }
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
