import { authenticateCitizen } from "#shared/auth/access-token";
import { openConversionSchema } from "#shared/conversion/conversion.schema";
import { openOnlineConversion } from "#shared/conversion/conversion.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: authenticateCitizen, body: openConversionSchema },
  async ({ body, principal }) =>
    json(201, await openOnlineConversion(principal.credential, body.identityDocument)),
);
