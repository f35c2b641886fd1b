import { codiceFiscaleSchema, countryCodeSchema, personFields } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";
import { exactlyOneLinkAddress, linkAddressFields } from "../self-service/self-service.schema.ts";

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
    ...linkAddressFields,
  }),
  ...exactlyOneLinkAddress(
    "The caller's codice fiscale, their answers (birth date, birthplace, country and postal code of residence) " +
      "and exactly one address (email or pec, which may be new) for the 24-hour confirmation link.",
  ),
);

export type OperatorRevocation = z.infer<typeof operatorRevocationSchema>;

export const revocationLinkSentSchema = z.object({
  sentTo: z.object({ channel: z.enum(["email", "pec"]), masked: z.string() }),
});
