import { authenticateCitizen, refuseDelegatedToken } from "#shared/auth/access-token";
import { httpHandler, json } from "#shared/platform/http";
import { pinChangeSchema } from "#shared/sessions/session.schema";
import { changePin } from "#shared/sessions/session.service";

export const handler = httpHandler(
  { auth: refuseDelegatedToken, body: pinChangeSchema },
  async ({ body, event }) => {
    const principal = "currentPin" in body ? await authenticateCitizen(event) : undefined;
    return json(200, await changePin(body, principal));
  },
);
