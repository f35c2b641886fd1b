import { httpHandler, json } from "#shared/platform/http";
import { recoveryRequestSchema } from "#shared/self-service/self-service.schema";
import { requestRecovery } from "#shared/self-service/self-service.service";

export const handler = httpHandler({ body: recoveryRequestSchema }, async ({ body }) =>
  json(202, await requestRecovery(body)),
);
