import { authenticateCitizen } from "#shared/auth/access-token";
import { registerPasskeySchema } from "#shared/passkeys/passkey.schema";
import { registerPasskey } from "#shared/passkeys/passkey.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: authenticateCitizen, body: registerPasskeySchema },
  async ({ principal, body }) => json(201, await registerPasskey(principal, body)),
);
