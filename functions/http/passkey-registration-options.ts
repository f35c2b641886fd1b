import { authenticateCitizen } from "#shared/auth/access-token";
import { registrationOptions } from "#shared/passkeys/passkey.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateCitizen }, async ({ principal }) =>
  json(200, await registrationOptions(principal)),
);
