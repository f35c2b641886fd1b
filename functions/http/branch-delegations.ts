import { operatorOf } from "#shared/auth/external-tokens";
import { branchDelegationSchema } from "#shared/delegations/delegation.schema";
import { giveDelegation } from "#shared/delegations/delegation.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler(
  { auth: operatorOf("branch"), body: branchDelegationSchema },
  async ({ body, principal }) =>
    json(
      201,
      await giveDelegation(body.delegator, body.delegate, body.kind, body.endsOn, {
        channel: "branch",
        actor: `operator:${principal.operatorId}`,
      }),
    ),
);
