import { refuseDelegatedToken } from "#shared/auth/access-token";
import { authenticateIdentity } from "#shared/auth/external-tokens";
import { phonePinRequestSchema } from "#shared/phone-pins/phone-pin.schema";
import { issuePhonePin } from "#shared/phone-pins/phone-pin.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  {
    auth: async (event) => {
      await refuseDelegatedToken(event);
      return authenticateIdentity(event);
    },
    body: phonePinRequestSchema,
  },
  async ({ body, principal }) =>
    json(201, await issuePhonePin(principal.codiceFiscale, body.validity, principal.provider)),
);
