import { httpHandler, json } from "#shared/platform/http";
import { failAfter } from "#shared/platform/limits.store";
import { loginSchema } from "#shared/sessions/session.schema";
import { login } from "#shared/sessions/session.service";

/**
 * Every failed login answers no sooner than this, so a wrong PIN for a known holder (a conditional write and
 * an audit record more) and any PIN for an unknown codice fiscale take the same time (docs/product/credential-rules.md). Above the
 * KDF's p99 on a Lambda slice; measured by `npm run bench -- parity`.
 */
export const LOGIN_FAILURE_FLOOR_MS = 1_000;

export const handler = httpHandler({ body: loginSchema }, async ({ body }) =>
  json(200, await failAfter(LOGIN_FAILURE_FLOOR_MS, () => login(body.codiceFiscale, body.pin))),
);
