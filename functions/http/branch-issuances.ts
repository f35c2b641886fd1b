import { operatorOf } from "#shared/auth/external-tokens";
import { branchIssuanceSchema } from "#shared/branch/branch-issuance.schema";
import { issueAtBranch } from "#shared/branch/branch-issuance.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("branch"), body: branchIssuanceSchema },
  async ({ body, principal }) => json(201, await issueAtBranch(body, principal.operatorId)),
);
