import type { FunctionName } from "#shared/functions";
import type { Access, RouteDefinition } from "#shared/routes";

/** Why API Gateway itself does not authorise a route; the handler does (APIG4). */
export const handlerAuthorisation: Record<Exclude<Access["kind"], "operator" | "identity">, string> = {
  public:
    "Public by design (docs/product/http-api.md#conventions): anonymous callers request a PIN, log in, or read health, JWKS and OpenAPI; abuse is bounded by stage throttling and the per-credential attempt budget in the handler.",
  citizen:
    "Authorised in the handler with the service's own ES256 access and change tokens (KMS-signed, JWKS at /.well-known/jwks.json), which API Gateway cannot verify.",
  "citizen-or-identity":
    "Authorised in the handler: it accepts either the service's own access token or an SPID/CIE/CNS identity token, which one JWT authorizer cannot express.",
};

/** The access kinds of the routes each function serves. */
export function accessKindsByFunction(
  routeTable: readonly RouteDefinition[],
): Map<FunctionName, Set<Access["kind"]>> {
  const kinds = new Map<FunctionName, Set<Access["kind"]>>();
  for (const route of routeTable) {
    const set = kinds.get(route.functionName) ?? new Set();
    set.add(route.access.kind);
    kinds.set(route.functionName, set);
  }
  return kinds;
}
