import { authenticateOperator } from "#shared/auth/external-tokens";
import { phonePinVerificationSchema } from "#shared/phone-pins/phone-pin.schema";
import { verifyPhonePin } from "#shared/phone-pins/phone-pin.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ body: phonePinVerificationSchema }, async ({ body, event }) => {
  const operator = await authenticateOperator(event, ["contact-center"]);
  return json(200, { valid: await verifyPhonePin(body.codiceFiscale, body.phonePin, operator.operatorId) });
});
