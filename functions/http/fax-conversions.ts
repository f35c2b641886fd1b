import { operatorOf } from "#shared/auth/external-tokens";
import { faxConversionSchema } from "#shared/conversion/conversion.schema";
import { recordFaxConversion } from "#shared/conversion/conversion.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("back-office"), body: faxConversionSchema },
  async ({ body, principal }) => json(201, await recordFaxConversion(body, principal.operatorId)),
);
