import { readFileSync } from "node:fs";
import { config } from "#shared/platform/config";
import { httpHandler, json } from "#shared/platform/http";

/**
 * The document, generated at synthesis from the route table and written beside the bundle as
 * `OPENAPI_DOCUMENT_FILE` (infra: the function's `files`), so this function carries neither the route table nor
 * the generator. The local stack, which runs this module from source, names its copy in OPENAPI_DOCUMENT.
 */
const document: Record<string, unknown> = JSON.parse(
  readFileSync(config().OPENAPI_DOCUMENT ?? new URL("./openapi.json", import.meta.url), "utf8"),
);

/**
 * The document names the origin it was asked on: API Gateway's domain over HTTPS in AWS, the gateway's host over
 * plain HTTP locally (API Gateway, like the local gateway, says which in X-Forwarded-Proto).
 */
export const handler = httpHandler({}, async ({ event, headers }) => {
  const scheme = headers["x-forwarded-proto"]?.split(",")[0]?.trim() === "http" ? "http" : "https";
  const origin = `${scheme}://${event.requestContext.domainName}`;
  return json(200, { ...document, servers: [{ url: origin, description: "This deployment" }] });
});
