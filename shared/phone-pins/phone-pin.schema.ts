import { codiceFiscaleSchema } from "../credentials/person.schema.ts";
import * as z from "../platform/zod.ts";

export const phonePinRequestSchema = z.strictObject({ validity: z.enum(["1d", "1w", "1m", "3m"]) });
export const phonePinIssuedSchema = z.object({ phonePin: z.string(), expiresAt: z.iso.datetime() });
export const phonePinVerificationSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  phonePin: z.withChecks(z.string(), z.minLength(1), z.maxLength(32)),
});
export const phonePinVerdictSchema = z.object({ valid: z.boolean() });
