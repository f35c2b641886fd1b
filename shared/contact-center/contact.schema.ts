import { emailSchema } from "../credentials/contacts.ts";
import { mobileSchema } from "../credentials/mobile.ts";
import { codiceFiscaleSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

/** F7: one contact of one kind, added by a contact-center operator. */
export const addContactSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  contact: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("mobile"), value: mobileSchema }),
    z.strictObject({ kind: z.literal("email"), value: emailSchema }),
    z.strictObject({ kind: z.literal("pec"), value: emailSchema }),
  ]),
});

export type AddContact = z.infer<typeof addContactSchema>;

export const maskedContactsSchema = z.object({
  contacts: z.object({
    mobile: z.optional(z.string()),
    email: z.optional(z.string()),
    pec: z.optional(z.string()),
  }),
});
