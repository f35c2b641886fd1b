import { parseAuditQuery, readOwnActivity } from "#shared/audit/audit.service";
import { authenticateCitizen } from "#shared/auth/access-token";
import { httpHandler, json } from "#shared/platform/http";
import { currentCredential } from "#shared/sessions/profile.service";

export const handler = httpHandler({ auth: authenticateCitizen }, async ({ principal, query }) => {
  const credential = await currentCredential(principal);
  return json(200, await readOwnActivity(credential.codiceFiscale, parseAuditQuery(query)));
});
