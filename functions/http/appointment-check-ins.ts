import { checkIn } from "#shared/appointments/branch-desk.service";
import { operatorOf } from "#shared/auth/external-tokens";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: operatorOf("branch") }, async ({ pathParameters, principal }) =>
  json(200, await checkIn(pathParameters.id, principal.operatorId)),
);
