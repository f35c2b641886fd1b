import { passkeyLoginSchema } from "#shared/passkeys/passkey.schema";
import { loginWithPasskey } from "#shared/passkeys/passkey-login.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ body: passkeyLoginSchema }, async ({ body }) =>
  json(200, await loginWithPasskey(body)),
);
