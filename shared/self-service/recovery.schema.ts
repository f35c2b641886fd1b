import { emailSchema } from "../credentials/contacts.ts";
import { mobileSchema } from "../credentials/mobile.ts";
import { codiceFiscaleSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

/**
 * F5's request, in a module of its own: it is the only self-service body with a mobile number, and the phone
 * library and its metadata it brings belong only in the function that takes one.
 */
export const recoveryRequestSchema = z.withChecks(
  z.strictObject({
    codiceFiscale: codiceFiscaleSchema,
    mobile: z.optional(mobileSchema),
    email: z.optional(emailSchema),
    pec: z.optional(emailSchema),
  }),
  z.refine((r) => [r.mobile, r.email, r.pec].filter(Boolean).length >= 2, {
    message: "Give at least two of your registered contacts (mobile, email, pec)",
    path: ["contacts"],
  }),
  z.meta({
    description:
      "The codice fiscale and at least two of the holder's registered contacts (mobile, email, pec).",
    anyOf: [
      ["mobile", "email"],
      ["mobile", "pec"],
      ["email", "pec"],
    ].map((pair) => ({ required: pair })),
  }),
);
