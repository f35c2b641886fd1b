import { dayListQuerySchema } from "#shared/appointments/appointment.schema";
import { listDay } from "#shared/appointments/branch-desk.service";
import { operatorOf } from "#shared/auth/external-tokens";
import { ValidationError } from "#shared/platform/errors";
import { httpHandler, json, toFieldErrors } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("branch") },
  async ({ pathParameters, query, principal }) => {
    const parsed = dayListQuerySchema.safeParse(query);
    if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error));
    return json(200, await listDay(pathParameters.id, parsed.data.date, principal.operatorId));
  },
);
