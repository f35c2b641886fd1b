import { now } from "#shared/platform/clock";
import { config } from "#shared/platform/config";
import { httpHandler, json } from "#shared/platform/http";

export const handler = httpHandler({}, async () =>
  json(200, { status: "ok", stage: config().STAGE, time: now().toISOString() }),
);
