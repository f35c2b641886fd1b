import { authenticatePerson } from "#shared/auth/holder";
import { endDelegation } from "#shared/delegations/delegation.service";
import { httpHandler } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticatePerson }, async ({ pathParameters, principal }) => {
  await endDelegation(pathParameters.id ?? "", principal.codiceFiscale, {
    channel: "web",
    actor: "citizen",
  });
  return { statusCode: 204 };
});
