import { operatorOf } from "#shared/auth/external-tokens";
import { decisionSchema } from "#shared/conversion/conversion.schema";
import { decideConversion } from "#shared/conversion/conversion.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("back-office"), body: decisionSchema },
  async ({ body, pathParameters, principal }) =>
    json(200, await decideConversion(pathParameters.id ?? "", body, principal.operatorId)),
);
