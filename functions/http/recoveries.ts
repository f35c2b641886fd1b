import { refuseDelegatedToken } from "#shared/auth/access-token";
import { httpHandler, json, sourceOf } from "#shared/platform/http";
import { recoveryRequestSchema } from "#shared/self-service/recovery.schema";
import { requestRecovery } from "#shared/self-service/self-service.service";

export const handler = httpHandler(
  { auth: refuseDelegatedToken, body: recoveryRequestSchema },
  async (request) => json(202, await requestRecovery(request.body, sourceOf(request))),
);
