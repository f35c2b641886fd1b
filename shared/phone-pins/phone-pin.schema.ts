import { z } from "zod";
import { codiceFiscaleSchema } from "../pin-requests/pin-request.schema.ts";

export const phonePinRequestSchema = z.strictObject({ validity: z.enum(["1d", "1w", "1m", "3m"]) });
export const phonePinIssuedSchema = z.object({ phonePin: z.string(), expiresAt: z.iso.datetime() });
export const phonePinVerificationSchema = z.strictObject({
  codiceFiscale: codiceFiscaleSchema,
  phonePin: z.string().min(1).max(32),
});
export const phonePinVerdictSchema = z.object({ valid: z.boolean() });
