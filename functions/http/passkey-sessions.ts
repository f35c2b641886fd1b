import type { Context } from "aws-lambda";
import { passkeyLoginSchema } from "#shared/passkeys/passkey.schema";
import { loginWithPasskey, passkeyLoginOptions } from "#shared/passkeys/passkey-login.service";
import { NotFoundError } from "#shared/platform/errors";
import { type HttpEvent, httpHandler, json } from "#shared/platform/http";

/** Passkey login (F19): its options and the login itself, each route with its own middy chain (see passkeys.ts). */
const byRoute: Record<string, (event: HttpEvent, context: Context) => Promise<unknown>> = {
  "POST /v1/passkey-sessions/options": httpHandler({}, async () => json(200, await passkeyLoginOptions())),
  "POST /v1/passkey-sessions": httpHandler({ body: passkeyLoginSchema }, async ({ body }) =>
    json(200, await loginWithPasskey(body)),
  ),
};

const unknownRoute = httpHandler({}, async ({ event }) => {
  throw new NotFoundError(`No route for ${event.routeKey}.`);
});

export const handler = (event: HttpEvent, context: Context) =>
  (byRoute[event.routeKey] ?? unknownRoute)(event, context);
