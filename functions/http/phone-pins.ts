import { authenticateIdentity } from "#shared/auth/external-tokens";
import { phonePinRequestSchema } from "#shared/phone-pins/phone-pin.schema";
import { issuePhonePin } from "#shared/phone-pins/phone-pin.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ body: phonePinRequestSchema }, async ({ body, event }) => {
  const identity = await authenticateIdentity(event);
  return json(201, await issuePhonePin(identity.codiceFiscale, body.validity, identity.provider));
});
