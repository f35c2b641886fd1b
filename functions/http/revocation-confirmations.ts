import { httpHandler, json } from "#shared/platform/http";
import { confirmationSchema } from "#shared/self-service/self-service.schema";
import { confirmRevocation } from "#shared/self-service/self-service.service";

export const handler = httpHandler({ body: confirmationSchema }, async ({ body }) =>
  json(200, await confirmRevocation(body.token)),
);
