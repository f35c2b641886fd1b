import type { Context } from "aws-lambda";
import { authenticateCitizen } from "#shared/auth/access-token";
import {
  passkeyLoginSchema,
  registerPasskeySchema,
  renamePasskeySchema,
} from "#shared/passkeys/passkey.schema";
import {
  deletePasskey,
  listPasskeys,
  registerPasskey,
  registrationOptions,
  renameHoldersPasskey,
} from "#shared/passkeys/passkey.service";
import { loginWithPasskey, passkeyLoginOptions } from "#shared/passkeys/passkey-login.service";
import { NotFoundError } from "#shared/platform/errors";
import { type HttpEvent, httpHandler, json } from "#shared/platform/http";

/**
 * Passkeys (F19): one function for the seven routes, the holder's management and the public login (a function
 * per route would put the service stack past CloudFormation's 500 resources). Each route keeps its own middy
 * chain, chosen by the API Gateway route key.
 */
const byRoute: Record<string, (event: HttpEvent, context: Context) => Promise<unknown>> = {
  "POST /v1/passkeys/registration-options": httpHandler(
    { auth: authenticateCitizen },
    async ({ principal }) => json(200, await registrationOptions(principal)),
  ),
  "POST /v1/passkeys": httpHandler(
    { auth: authenticateCitizen, body: registerPasskeySchema },
    async ({ principal, body }) => json(201, await registerPasskey(principal, body)),
  ),
  "GET /v1/passkeys": httpHandler({ auth: authenticateCitizen }, async ({ principal }) =>
    json(200, await listPasskeys(principal)),
  ),
  "PATCH /v1/passkeys/{id}": httpHandler(
    { auth: authenticateCitizen, body: renamePasskeySchema },
    async ({ principal, body, pathParameters }) =>
      json(200, await renameHoldersPasskey(principal, pathParameters.id ?? "", body.name)),
  ),
  "DELETE /v1/passkeys/{id}": httpHandler(
    { auth: authenticateCitizen },
    async ({ principal, pathParameters }) => {
      await deletePasskey(principal, pathParameters.id ?? "");
      return { statusCode: 204 };
    },
  ),
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
