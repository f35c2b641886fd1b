import { listApplications } from "#shared/applications/application.service";
import { authenticateHolderOrDelegate } from "#shared/auth/holder";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({ auth: authenticateHolderOrDelegate }, async ({ principal }) =>
  json(200, await listApplications(principal.credential)),
);
