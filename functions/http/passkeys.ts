import type { Context } from "aws-lambda";
import { authenticateCitizen } from "#shared/auth/access-token";
import { registerPasskeySchema, renamePasskeySchema } from "#shared/passkeys/passkey.schema";
import {
  deletePasskey,
  listPasskeys,
  registerPasskey,
  registrationOptions,
  renameHoldersPasskey,
} from "#shared/passkeys/passkey.service";
import { NotFoundError } from "#shared/platform/errors";
import { type HttpEvent, httpHandler, json } from "#shared/platform/http";

/**
 * The holder's passkeys (F19), one function for the five management routes (one function per route would put
 * the service stack past CloudFormation's 500 resources): each route keeps its own middy chain, chosen by the
 * API Gateway route key.
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
};

const unknownRoute = httpHandler({}, async ({ event }) => {
  throw new NotFoundError(`No route for ${event.routeKey}.`);
});

export const handler = (event: HttpEvent, context: Context) =>
  (byRoute[event.routeKey] ?? unknownRoute)(event, context);
