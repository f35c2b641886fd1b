import { z } from "zod";
import { emailSchema, mobileSchema } from "../credentials/contacts.ts";
import { codiceFiscaleSchema } from "../pin-requests/pin-request.schema.ts";

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
    mobile: z.string().optional(),
    email: z.string().optional(),
    pec: z.string().optional(),
  }),
});
