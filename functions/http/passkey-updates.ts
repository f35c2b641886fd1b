import { authenticateCitizen } from "#shared/auth/access-token";
import { renamePasskeySchema } from "#shared/passkeys/passkey.schema";
import { renameHoldersPasskey } from "#shared/passkeys/passkey.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: authenticateCitizen, body: renamePasskeySchema },
  async ({ principal, body, pathParameters }) =>
    json(200, await renameHoldersPasskey(principal, pathParameters.id ?? "", body.name)),
);
