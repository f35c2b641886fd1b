import { z } from "zod";

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
  nextCursor: z.string().optional(),
});

const isoDateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "Use a date (YYYY-MM-DD) or a date and time with its offset (2026-01-31T09:30:00+01:00)",
});

/** `?from=&to=&limit=&cursor=` of an audit read (SPEC §5a lists). */
export const auditQuerySchema = z.strictObject({
  from: isoDateOrTime.optional(),
  to: isoDateOrTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
