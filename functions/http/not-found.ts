import { required } from "#shared/platform/config";
import { MethodNotAllowedError, NotFoundError } from "#shared/platform/errors";
import { httpHandler } from "#shared/platform/http";
import { methodsNotAllowed } from "#shared/route-match";

/**
 * Behind API Gateway's `$default` route: 405 when the path exists with other methods, 404 otherwise. It knows
 * the routes by their keys (ROUTE_KEYS), not by the route table, whose schemas it has no use for.
 */
export const handler = httpHandler({}, async ({ event }) => {
  const { method } = event.requestContext.http;
  const allowed = methodsNotAllowed(required("ROUTE_KEYS"), method, event.rawPath);
  if (allowed) throw new MethodNotAllowedError(allowed);
  throw new NotFoundError(`No route for ${method} ${event.rawPath}.`);
});
