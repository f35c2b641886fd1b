import { operatorOf } from "#shared/auth/external-tokens";
import { queueQuerySchema } from "#shared/conversion/conversion.schema";
import { conversionQueue } from "#shared/conversion/conversion.service";
import { ValidationError } from "#shared/platform/errors";
import { httpHandler, json, toFieldErrors } from "#shared/platform/http";

export const handler = httpHandler({ auth: operatorOf("back-office") }, async ({ query }) => {
  const parsed = queueQuerySchema.safeParse(query);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  return json(200, await conversionQueue(parsed.data.limit, parsed.data.cursor));
});
