/**
 * Matching requests against route keys (`POST /v1/conversion-requests/{id}/submit`), without the route table
 * and its schemas: the `$default` function answers 405 from the keys alone (ROUTE_KEYS, set from the route table
 * by CDK and by the local stack).
 */

/** Turns `/v1/x/{id}` into a matcher that yields path parameters. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    params[name] = decodeURIComponent(match[i + 1] ?? "");
  });
  return params;
}

/** Route keys, comma-separated, as ROUTE_KEYS carries them: `GET /v1/health,POST /v1/sessions,...`. */
export function formatRouteKeys(routes: ReadonlyArray<{ method: string; path: string }>): string {
  return routes.map((route) => `${route.method} ${route.path}`).join(",");
}

/**
 * The methods of the routes whose path matches `path`, when none of them is `method` (a 405); undefined when
 * the path matches no route (a 404) or the method matches one (not this function's business).
 */
export function methodsNotAllowed(routeKeys: string, method: string, path: string): string[] | undefined {
  const allowed: string[] = [];
  for (const key of routeKeys.split(",")) {
    const [routeMethod = "", template = ""] = key.split(" ");
    if (!matchPath(template, path)) continue;
    if (routeMethod === method.toUpperCase()) return undefined;
    allowed.push(routeMethod);
  }
  return allowed.length > 0 ? allowed : undefined;
}
