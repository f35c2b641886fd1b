import { emailSchema } from "../credentials/contacts.ts";
import { codiceFiscaleSchema, countryCodeSchema, personFields } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

/**
 * F17: what a contact-center operator asks a caller who has no health card, checked against the record and
 * the live credential, and the one address (may be new) for the confirmation link.
 */
export const operatorRevocationSchema = z.withChecks(
  z.strictObject({
    codiceFiscale: codiceFiscaleSchema,
    answers: z.strictObject({
      birthDate: personFields.birthDate,
      birthPlaceCode: personFields.birthPlaceCode,
      residence: z.strictObject({
        countryCode: countryCodeSchema,
        postalCode: personFields.residence.shape.postalCode,
      }),
    }),
    email: z.optional(emailSchema),
    pec: z.optional(emailSchema),
  }),
  z.refine((r) => Boolean(r.email) !== Boolean(r.pec), {
    message: "Give exactly one address for the confirmation link: email or pec",
    path: ["email"],
  }),
  z.meta({
    description:
      "The caller's codice fiscale, their answers (birth date, birthplace, country and postal code of residence) " +
      "and exactly one address (email or pec, which may be new) for the 24-hour confirmation link.",
    oneOf: [{ required: ["email"] }, { required: ["pec"] }],
  }),
);

export type OperatorRevocation = z.infer<typeof operatorRevocationSchema>;

export const revocationLinkSentSchema = z.object({
  sentTo: z.object({ channel: z.enum(["email", "pec"]), masked: z.string() }),
});
