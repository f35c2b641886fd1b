import { contactsSchema } from "../credentials/contacts.schema.ts";
import { identityDocumentSchema, presentedBySchema } from "../credentials/identity-document.ts";
import { healthCardSchema, personFields } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

/** F9 / F13: the F1 citizen fields (no part-A channel; contacts optional), checked in person. */
export const branchIssuanceSchema = z.withChecks(
  z.strictObject({
    ...personFields,
    hasItalianIdDocument: z.boolean(),
    healthCard: z.optional(healthCardSchema),
    contacts: z.optional(contactsSchema),
    identityDocument: identityDocumentSchema,
    presentedBy: presentedBySchema,
    holderKind: z._default(z.enum(["citizen", "intermediary"]), "citizen"),
    intermediary: z.optional(
      z.strictObject({
        kind: z.enum(["caf", "patronato", "professional", "employer"]),
        organisation: z.withChecks(z.string(), z.trim(), z.minLength(2), z.maxLength(120)),
      }),
    ),
    replaceExisting: z._default(z.boolean(), false),
  }),
  z.superRefine((request, ctx) => {
    if (request.holderKind === "intermediary" && !request.intermediary) {
      ctx.addIssue({ code: "custom", path: ["intermediary"], message: "Required for an intermediary" });
    }
    if (request.holderKind === "citizen" && request.intermediary) {
      ctx.addIssue({ code: "custom", path: ["intermediary"], message: "Only for holderKind intermediary" });
    }
  }),
  z.meta({
    description:
      "intermediary is required when holderKind is intermediary, and only then. A delegate at the counter is " +
      "403 delegate-not-allowed; a parent only for a holder under 18 (422 not-a-minor).",
    anyOf: [
      { properties: { holderKind: { const: "intermediary" } }, required: ["holderKind", "intermediary"] },
      {
        properties: { holderKind: { const: "citizen" } },
        not: { required: ["intermediary"], properties: { intermediary: { type: "object" } } },
      },
    ],
  }),
);

export type BranchIssuance = z.infer<typeof branchIssuanceSchema>;

export const branchIssuedSchema = z.object({
  credentialId: z.uuid(),
  pinType: z.literal("dispositivo"),
  holderKind: z.enum(["citizen", "intermediary"]),
  envelope: z.object({ contentType: z.literal("application/pdf"), base64: z.string() }),
});
