import { authenticateCitizen } from "#shared/auth/access-token";
import { httpHandler, json } from "#shared/platform/http";
import { readProfile } from "#shared/sessions/profile.service";

export const handler = httpHandler({}, async ({ event }) =>
  json(200, await readProfile(await authenticateCitizen(event))),
);
