import { operatorOf } from "#shared/auth/external-tokens";
import { branchConversionSchema } from "#shared/conversion/conversion.schema";
import { convertAtBranch } from "#shared/conversion/conversion.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("branch"), body: branchConversionSchema },
  async ({ body, principal }) => json(200, await convertAtBranch(body, principal.operatorId)),
);
