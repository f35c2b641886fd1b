import { MethodNotAllowedError, NotFoundError } from "#shared/platform/errors";
import { httpHandler } from "#shared/platform/http";
import { findRoute } from "#shared/routes";

/** Behind API Gateway's `$default` route: 405 when the path exists with other methods, 404 otherwise. */
export const handler = httpHandler({}, async ({ event }) => {
  const match = findRoute(event.requestContext.http.method, event.rawPath);
  if (!match.route && match.allowed.length > 0) throw new MethodNotAllowedError(match.allowed);
  throw new NotFoundError(`No route for ${event.requestContext.http.method} ${event.rawPath}.`);
});
