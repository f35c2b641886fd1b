import { authenticatePerson } from "#shared/auth/holder";
import { listDelegations } from "#shared/delegations/delegation.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticatePerson }, async ({ principal }) =>
  json(200, await listDelegations(principal.codiceFiscale)),
);
