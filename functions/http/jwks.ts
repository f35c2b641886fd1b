import { accessTokenJwks } from "#shared/auth/access-token";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({}, async () =>
  json(200, await accessTokenJwks(), { "cache-control": "public, max-age=300" }),
);
