import { identityDocumentSchema, presentedBySchema } from "../credentials/identity-document.ts";
import { codiceFiscaleSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

export const conversionStatuses = ["awaiting-documents", "submitted", "approved", "rejected"] as const;
export type ConversionStatus = (typeof conversionStatuses)[number];
export type ConversionChannel = "online" | "fax" | "branch";

export const openConversionSchema = z.strictObject({ identityDocument: identityDocumentSchema });

export const faxConversionSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  receivedAt: z.iso.datetime({ offset: true }),
  identityDocument: identityDocumentSchema,
});

export const branchConversionSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  identityDocument: identityDocumentSchema,
  presentedBy: presentedBySchema,
});

export const decisionSchema = z.withChecks(
  z.strictObject({
    decision: z.enum(["approved", "rejected"]),
    reason: z.optional(z.withChecks(z.string(), z.trim(), z.minLength(3), z.maxLength(500))),
  }),
  z.refine((d) => d.decision === "approved" || d.reason, {
    path: ["reason"],
    message: "A reason is required to reject",
  }),
  z.meta({
    description: "A rejection needs a reason (sent to the holder).",
    anyOf: [{ properties: { decision: { const: "approved" } } }, { required: ["reason"] }],
  }),
);

const uploadSchema = z.object({
  document: z.enum(["request-form", "identity-document", "fax"]),
  url: z.string(),
  /** The fields of the PDF policy; `fieldsByContentType` has one policy per allowed type. */
  fields: z.record(z.string(), z.string()),
  fieldsByContentType: z.record(z.string(), z.record(z.string(), z.string())),
  expiresAt: z.iso.datetime(),
  maxBytes: z.withChecks(z.number(), z.int()),
  contentTypes: z.array(z.string()),
});

export const conversionSchema = z.object({
  id: z.uuid(),
  status: z.enum(conversionStatuses),
  channel: z.enum(["online", "fax", "branch"]),
  createdAt: z.iso.datetime(),
  submittedAt: z.optional(z.iso.datetime()),
  decidedAt: z.optional(z.iso.datetime()),
  reason: z.optional(z.string()),
});

export const openedConversionSchema = z.extend(conversionSchema, { uploads: z.array(uploadSchema) });

export const queueItemSchema = z.extend(conversionSchema, {
  holder: z.object({
    codiceFiscale: z.string(),
    surname: z.string(),
    givenName: z.string(),
    birthDate: z.string(),
  }),
  identityDocument: identityDocumentSchema,
  documents: z.array(
    z.object({
      document: z.string(),
      contentType: z.string(),
      bytes: z.withChecks(z.number(), z.int()),
      url: z.string(),
    }),
  ),
});

export const queueSchema = z.object({
  items: z.array(queueItemSchema),
  nextCursor: z.optional(z.string()),
});

export const queueQuerySchema = z.strictObject({
  status: z._default(z.literal("submitted"), "submitted"),
  limit: z._default(z.withChecks(z.coerce.number(), z.int(), z.minimum(1), z.maximum(200)), 50),
  cursor: z.optional(z.withChecks(z.string(), z.maxLength(512))),
});

export type OpenConversion = z.infer<typeof openConversionSchema>;
export type FaxConversion = z.infer<typeof faxConversionSchema>;
export type BranchConversion = z.infer<typeof branchConversionSchema>;
export type Decision = z.infer<typeof decisionSchema>;
