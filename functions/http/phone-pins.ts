import { authenticateIdentity } from "#shared/auth/external-tokens";
import { httpHandler, json } from "#shared/http";
import { phonePinRequestSchema } from "#shared/phone-pins/phone-pin.schema";
import { issuePhonePin } from "#shared/phone-pins/phone-pin.service";

export const handler = httpHandler({ body: phonePinRequestSchema }, async ({ body, event }) => {
  const identity = await authenticateIdentity(event);
  return json(201, await issuePhonePin(identity.codiceFiscale, body.validity, identity.provider));
});
