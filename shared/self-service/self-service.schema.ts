import { emailSchema } from "../credentials/contacts.ts";
import { codiceFiscaleSchema, healthCardSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

/** Where a revocation's confirmation link goes (F6, F17): exactly one of `email` and `pec`, which may be new. */
export const linkAddressFields = { email: z.optional(emailSchema), pec: z.optional(emailSchema) };

/** The checks of an object with `linkAddressFields`: exactly one address, and `description` for the document. */
export function exactlyOneLinkAddress<T extends { email?: string; pec?: string }>(description: string) {
  return [
    z.refine<T>((r) => Boolean(r.email) !== Boolean(r.pec), {
      message: "Give exactly one address for the confirmation link: email or pec",
      path: ["email"],
    }),
    z.meta({ description, oneOf: [{ required: ["email"] }, { required: ["pec"] }] }),
  ] as const;
}

export const revocationRequestSchema = z.withChecks(
  z.strictObject({ codiceFiscale: codiceFiscaleSchema, healthCard: healthCardSchema, ...linkAddressFields }),
  ...exactlyOneLinkAddress(
    "The codice fiscale, the health card as recorded, and exactly one address (email or pec, which may be new) " +
      "for the confirmation link.",
  ),
);

export const confirmationSchema = z.strictObject({
  token: z.withChecks(z.string(), z.minLength(16), z.maxLength(128)),
});
export const acceptedSchema = z.object({ status: z.literal("accepted") });
export const recoveredSchema = z.object({
  outcome: z.literal("pin-reissued"),
  partASentTo: z.object({ channel: z.enum(["sms", "email", "pec"]), masked: z.string() }),
  partBSentTo: z.object({ channel: z.enum(["sms", "email", "pec"]), masked: z.string() }),
  validUntil: z.iso.datetime(),
});
export const revokedSchema = z.object({ outcome: z.literal("revoked") });
