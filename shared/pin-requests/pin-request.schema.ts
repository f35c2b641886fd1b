import { contactsSchema } from "../credentials/contacts.schema.ts";
import { healthCardSchema, personFields } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

const channelContact = { sms: "mobile", email: "email", pec: "pec" } as const;

/** The citizen data of a PIN request (F1), shared with the operator channels (F8, F9). */
export const citizenRequestFields = {
  ...personFields,
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
    /** The recorded residence the letter goes to (docs/product/credential-rules.md): never an address typed in the request. */
    sentTo: z.object({ countryCode: z.string(), city: z.string() }),
    addressOnRecordDiffers: z.boolean(),
    note: z.optional(z.string()),
  }),
});

export type PinRequestAccepted = z.infer<typeof pinRequestAcceptedSchema>;

export function contactFor(request: Pick<PinRequest, "contacts" | "partAChannel">): string {
  return request.contacts[channelContact[request.partAChannel]] as string;
}
