import { authenticatePerson } from "#shared/auth/holder";
import { startDelegatedSession } from "#shared/delegations/delegation.service";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticatePerson }, async ({ pathParameters, principal }) =>
  json(200, await startDelegatedSession(pathParameters.id ?? "", principal.codiceFiscale)),
);
