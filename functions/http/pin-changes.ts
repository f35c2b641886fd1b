import { authenticateCitizen, type CitizenPrincipal, refuseDelegatedToken } from "#shared/auth/access-token";
import { UnauthorizedError } from "#shared/platform/errors";
import { type HttpEvent, httpHandler, json } from "#shared/platform/http";
import { pinChangeSchema } from "#shared/sessions/session.schema";
import { changePin } from "#shared/sessions/session.service";

/** Whether the raw body names a change token: a glance at the text, not a parse or a validation. */
function namesChangeToken(event: HttpEvent): boolean {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : event.body;
  return /"changeToken"\s*:/.test(raw ?? "");
}

/**
 * Two ways in: a change token in the body (first access, renewal), or the holder's own access token with the
 * current PIN. Unless the body names a change token, the access token is checked before the body is read, so
 * an anonymous caller gets 401 and no field details; a delegate's token is refused (403) either way.
 */
async function holderUnlessChangeToken(event: HttpEvent): Promise<CitizenPrincipal | undefined> {
  if (!namesChangeToken(event)) return authenticateCitizen(event);
  await refuseDelegatedToken(event);
  return undefined;
}

export const handler = httpHandler(
  { auth: holderUnlessChangeToken, body: pinChangeSchema },
  async ({ body, principal }) => {
    if (!("currentPin" in body)) return json(200, await changePin(body));
    if (!principal) throw new UnauthorizedError();
    return json(200, await changePin(body, principal));
  },
);
