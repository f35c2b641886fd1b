import { httpHandler, json } from "#shared/platform/http";
import { buildOpenApiDocument } from "#shared/platform/openapi";

let document: Record<string, unknown> | undefined;

export const handler = httpHandler({}, async ({ event }) => {
  document ??= buildOpenApiDocument(`https://${event.requestContext.domainName}`);
  return json(200, document);
});
