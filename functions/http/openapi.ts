import { httpHandler, json } from "#shared/platform/http";
import { buildOpenApiDocument } from "#shared/platform/openapi";

let cached: { origin: string; document: Record<string, unknown> } | undefined;

/**
 * The document names the origin it was asked on: API Gateway's domain over HTTPS in AWS, the gateway's host over
 * plain HTTP locally (API Gateway, like the local gateway, says which in X-Forwarded-Proto).
 */
export const handler = httpHandler({}, async ({ event, headers }) => {
  const scheme = headers["x-forwarded-proto"]?.split(",")[0]?.trim() === "http" ? "http" : "https";
  const origin = `${scheme}://${event.requestContext.domainName}`;
  if (cached?.origin !== origin) cached = { origin, document: buildOpenApiDocument(origin) };
  return json(200, cached.document);
});
