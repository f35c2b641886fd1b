import { now } from "#shared/clock";
import { config } from "#shared/config";
import { httpHandler, json } from "#shared/http";

export const handler = httpHandler({}, async () =>
  json(200, { status: "ok", stage: config().STAGE, time: now().toISOString() }),
);
