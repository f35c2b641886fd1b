import { authenticateCitizen } from "#shared/auth/access-token";
import { ownConversion } from "#shared/conversion/conversion.service";
import { conversionForm } from "#shared/conversion/conversion-form";
import { httpHandler } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateCitizen }, async ({ pathParameters, principal }) => {
  const request = await ownConversion(principal.codiceFiscale, pathParameters.id ?? "");
  return {
    statusCode: 200,
    body: await conversionForm(request),
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="richiesta-pin-dispositivo-${request.id.slice(0, 8)}.pdf"`,
    },
  };
});
