/**
 * The HTTP API's CORS configuration, defined once: API Gateway's `corsPreflight` (infra/service-stack.ts),
 * the local gateway, which answers preflights and decorates responses as API Gateway does, and the handlers'
 * chain all read it. The one allowed origin is the deployment's web origin (`WEB_ORIGIN`, `webOrigin`).
 */
export const corsPolicy = {
  allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["authorization", "content-type", "idempotency-key"],
  maxAgeSeconds: 3600,
} as const;

/**
 * API Gateway's answer to a preflight (`OPTIONS`) when CORS is configured: `204` whatever the route, with the
 * CORS headers only for an allowed origin (a browser then refuses the cross-origin request by itself).
 */
export function preflightHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  if (!origin || !allowedOrigins.includes(origin)) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": corsPolicy.allowMethods.join(","),
    "access-control-allow-headers": corsPolicy.allowHeaders.join(","),
    "access-control-max-age": String(corsPolicy.maxAgeSeconds),
  };
}

/**
 * The CORS headers API Gateway puts on an actual response (it ignores any its integration returned): the
 * allowed origin, echoed, and nothing for another.
 */
export function responseCorsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  return origin && allowedOrigins.includes(origin) ? { "access-control-allow-origin": origin } : {};
}
