import { listSlots } from "#shared/appointments/branch-desk.service";
import { slotQuerySchema } from "#shared/branches/branch.schema";
import { ValidationError } from "#shared/platform/errors";
import { httpHandler, json, toFieldErrors } from "#shared/platform/http";

export const handler = httpHandler({}, async ({ pathParameters, query }) => {
  const parsed = slotQuerySchema.safeParse(query);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
  return json(200, await listSlots(pathParameters.id, parsed.data));
});
