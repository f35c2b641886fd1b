import { authenticateCitizen } from "#shared/auth/access-token";
import { submitConversion } from "#shared/conversion/conversion.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateCitizen }, async ({ pathParameters, principal }) =>
  json(200, await submitConversion(principal.codiceFiscale, pathParameters.id ?? "")),
);
