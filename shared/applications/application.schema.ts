import * as z from "../platform/zod.ts";

export const benefits = ["naspi", "assegno-unico", "pensione-anticipata", "bonus-nido", "dis-coll"] as const;

/** F11: `details` is free-form for the benefit's own back end, at most 8 KiB of JSON. */
export const applicationRequestSchema = z.strictObject({
  benefit: z.enum(benefits),
  details: z.withChecks(
    z.optional(z.record(z.string(), z.unknown())),
    z.refine((d) => d === undefined || Buffer.byteLength(JSON.stringify(d)) <= 8 * 1024, "At most 8 KiB"),
    z.meta({
      description: "Free-form details for the benefit's own back end: at most 8 KiB as JSON (UTF-8).",
    }),
  ),
});

export const applicationSchema = z.object({
  id: z.uuid(),
  protocolNumber: z.string(),
  benefit: z.enum(benefits),
  status: z.enum(["accepted", "suspended"]),
  submittedAt: z.iso.datetime(),
  acceptedAt: z.optional(z.iso.datetime()),
});

export const applicationListSchema = z.object({ items: z.array(applicationSchema) });

export type ApplicationRequest = z.infer<typeof applicationRequestSchema>;
export type Application = z.infer<typeof applicationSchema>;
