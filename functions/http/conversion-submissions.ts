import { authenticateHolder } from "#shared/auth/holder";
import { submitConversion } from "#shared/conversion/conversion.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateHolder }, async ({ pathParameters, principal }) =>
  json(200, await submitConversion(principal.codiceFiscale, pathParameters.id ?? "")),
);
