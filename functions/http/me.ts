import { authenticateCitizen } from "#shared/auth/access-token";
import { httpHandler, json } from "#shared/http";
import { readProfile } from "#shared/sessions/profile.service";

export const handler = httpHandler({}, async ({ event }) =>
  json(200, await readProfile(await authenticateCitizen(event))),
);
