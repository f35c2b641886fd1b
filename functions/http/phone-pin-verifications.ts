import { operatorOf } from "#shared/auth/external-tokens";
import { phonePinVerificationSchema } from "#shared/phone-pins/phone-pin.schema";
import { verifyPhonePin } from "#shared/phone-pins/phone-pin.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("contact-center"), body: phonePinVerificationSchema },
  async ({ body, principal }) =>
    json(200, { valid: await verifyPhonePin(body.codiceFiscale, body.phonePin, principal.operatorId) }),
);
