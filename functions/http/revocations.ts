import { refuseDelegatedToken } from "#shared/auth/access-token";
import { httpHandler, json, sourceOf } from "#shared/platform/http";
import { revocationRequestSchema } from "#shared/self-service/self-service.schema";
import { requestRevocation } from "#shared/self-service/self-service.service";

export const handler = httpHandler(
  { auth: refuseDelegatedToken, body: revocationRequestSchema },
  async (request) => json(202, await requestRevocation(request.body, sourceOf(request))),
);
