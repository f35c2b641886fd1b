import { passkeyLoginOptions } from "#shared/passkeys/passkey-login.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({}, async () => json(200, await passkeyLoginOptions()));
