import { authenticateHolderOrDelegate } from "#shared/auth/holder";
import { ownConversion } from "#shared/conversion/conversion.service";
import { conversionView } from "#shared/conversion/conversion.store";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: authenticateHolderOrDelegate },
  async ({ pathParameters, principal }) =>
    json(200, conversionView(await ownConversion(principal.codiceFiscale, pathParameters.id ?? ""))),
);
