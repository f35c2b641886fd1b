import * as z from "../platform/zod.ts";

export const auditEventSchema = z.object({
  at: z.iso.datetime(),
  type: z.string(),
  channel: z.string(),
  actor: z.string(),
  outcome: z.enum(["success", "failure", "refused"]),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  nextCursor: z.optional(z.string()),
});

const isoDateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "Use a date (YYYY-MM-DD) or a date and time with its offset (2026-01-31T09:30:00+01:00)",
});

/** `?from=&to=&limit=&cursor=` of an audit read (lists: docs/product/http-api.md#route-contracts). */
export const auditQuerySchema = z.strictObject({
  from: z.optional(isoDateOrTime),
  to: z.optional(isoDateOrTime),
  limit: z._default(z.withChecks(z.coerce.number(), z.int(), z.minimum(1), z.maximum(200)), 50),
  cursor: z.optional(z.withChecks(z.string(), z.maxLength(512))),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
