import * as z from "./zod.ts";

export const healthResponseSchema = z.object({
  status: z.literal("ok"),
  stage: z.string(),
  time: z.iso.datetime(),
});
