import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { required } from "../platform/config.ts";
import { ForbiddenError, UnauthorizedError } from "../platform/errors.ts";
import type { HttpEvent } from "../platform/http.ts";
import type { OperatorGroup } from "../routes.ts";
import { bearerToken } from "./access-token.ts";

/**
 * Tokens the service does not issue: operators' (Cognito in AWS, whose access tokens carry `client_id`
 * rather than `aud`) and SPID/CIE/CNS identity tokens from an external OIDC issuer. Both are checked against
 * their issuer's JWKS, fetched and cached by jose. API Gateway's JWT authorizer checks operator tokens too;
 * the handler checks again, and checks the group.
 */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(url: string) {
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000 });
    keySets.set(url, set);
  }
  return set;
}

async function verify(token: string, jwksUrl: string, issuer: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keySet(jwksUrl), { issuer, algorithms: ["RS256", "ES256"] });
    return payload;
  } catch {
    throw new UnauthorizedError("invalid-token", "The token is not valid or has expired.");
  }
}

export interface OperatorPrincipal {
  operatorId: string;
  groups: string[];
}

/** An operator of one of `groups`: 401 for any other token, 403 for an operator of another group. */
export async function authenticateOperator(
  event: HttpEvent,
  groups: readonly OperatorGroup[],
): Promise<OperatorPrincipal> {
  const payload = await verify(
    bearerToken(event),
    required("OPERATOR_JWKS_URL"),
    required("OPERATOR_ISSUER"),
  );
  const audience = required("OPERATOR_AUDIENCE");
  const audiences = [payload.client_id, ...(Array.isArray(payload.aud) ? payload.aud : [payload.aud])];
  if (!audiences.includes(audience) || typeof payload.sub !== "string") {
    throw new UnauthorizedError("invalid-token", "The token is not valid or has expired.");
  }
  const memberOf = Array.isArray(payload["cognito:groups"]) ? (payload["cognito:groups"] as string[]) : [];
  if (!memberOf.some((g) => (groups as readonly string[]).includes(g))) {
    throw new ForbiddenError("This operation is reserved to other operator groups.");
  }
  return { operatorId: payload.sub, groups: memberOf };
}

export interface IdentityPrincipal {
  codiceFiscale: string;
  provider: string;
}

/** A person authenticated by SPID, CIE or CNS: the codice fiscale comes from `fiscal_number` (`TINIT-…`). */
export async function authenticateIdentity(event: HttpEvent): Promise<IdentityPrincipal> {
  const payload = await verify(
    bearerToken(event),
    required("IDENTITY_JWKS_URL"),
    required("IDENTITY_ISSUER"),
  );
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const fiscal =
    typeof payload.fiscal_number === "string" ? payload.fiscal_number.replace(/^TINIT-/, "") : "";
  if (!audiences.includes(required("IDENTITY_AUDIENCE")) || !/^[A-Z0-9]{16}$/.test(fiscal)) {
    throw new UnauthorizedError("invalid-token", "The token is not valid or has expired.");
  }
  return { codiceFiscale: fiscal, provider: typeof payload.idp === "string" ? payload.idp : "spid" };
}
