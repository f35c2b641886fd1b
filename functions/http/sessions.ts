import { httpHandler, json } from "#shared/platform/http";
import { loginSchema } from "#shared/sessions/session.schema";
import { login } from "#shared/sessions/session.service";

export const handler = httpHandler({ body: loginSchema }, async ({ body }) =>
  json(200, await login(body.codiceFiscale, body.pin)),
);
