import { authenticateHolderOrDelegate } from "#shared/auth/holder";
import { httpHandler, json } from "#shared/platform/http";
import { readProfile } from "#shared/sessions/profile.service";

export const handler = httpHandler({ auth: authenticateHolderOrDelegate }, async ({ principal }) =>
  json(200, readProfile(principal)),
);
