import { parseAuditQuery, readOwnActivity } from "#shared/audit/audit.service";
import { authenticateCitizen } from "#shared/auth/access-token";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateCitizen }, async ({ principal, query }) =>
  json(200, await readOwnActivity(principal.codiceFiscale, parseAuditQuery(query))),
);
