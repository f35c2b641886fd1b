import { z } from "zod";
import { identityDocumentSchema, presentedBySchema } from "../credentials/identity-document.ts";
import { codiceFiscaleSchema } from "../pin-requests/pin-request.schema.ts";

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

export const decisionSchema = z
  .strictObject({
    decision: z.enum(["approved", "rejected"]),
    reason: z.string().trim().min(3).max(500).optional(),
  })
  .refine((d) => d.decision === "approved" || d.reason, {
    path: ["reason"],
    message: "A reason is required to reject",
  })
  .meta({
    description: "A rejection needs a reason (sent to the holder).",
    anyOf: [{ properties: { decision: { const: "approved" } } }, { required: ["reason"] }],
  });

const uploadSchema = z.object({
  document: z.enum(["request-form", "identity-document", "fax"]),
  url: z.string(),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
  maxBytes: z.number().int(),
  contentTypes: z.array(z.string()),
});

export const conversionSchema = z.object({
  id: z.uuid(),
  status: z.enum(conversionStatuses),
  channel: z.enum(["online", "fax", "branch"]),
  createdAt: z.iso.datetime(),
  submittedAt: z.iso.datetime().optional(),
  decidedAt: z.iso.datetime().optional(),
  reason: z.string().optional(),
});

export const openedConversionSchema = conversionSchema.extend({ uploads: z.array(uploadSchema) });

export const queueItemSchema = conversionSchema.extend({
  holder: z.object({
    codiceFiscale: z.string(),
    surname: z.string(),
    givenName: z.string(),
    birthDate: z.string(),
  }),
  identityDocument: identityDocumentSchema,
  documents: z.array(
    z.object({ document: z.string(), contentType: z.string(), bytes: z.number().int(), url: z.string() }),
  ),
});

export const queueSchema = z.object({ items: z.array(queueItemSchema), nextCursor: z.string().optional() });

export const queueQuerySchema = z.strictObject({
  status: z.literal("submitted").default("submitted"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

export type OpenConversion = z.infer<typeof openConversionSchema>;
export type FaxConversion = z.infer<typeof faxConversionSchema>;
export type BranchConversion = z.infer<typeof branchConversionSchema>;
export type Decision = z.infer<typeof decisionSchema>;
