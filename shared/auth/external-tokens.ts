import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import { nowEpochSeconds } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { ForbiddenError, UnauthorizedError } from "../platform/errors.ts";
import type { HttpEvent } from "../platform/http.ts";
import type { OperatorGroup } from "../routes.ts";
import { bearerToken } from "./access-token.ts";

/**
 * Tokens the service does not issue: operators' (Cognito in AWS, whose access tokens carry `client_id`
 * rather than `aud`) and SPID/CIE/CNS identity tokens from an external OIDC issuer. Both are checked against
 * their issuer's JWKS, fetched and cached by jose, and against the service clock (which the local stack
 * shifts in tests). API Gateway's JWT authorizer checks operator tokens too; the handler checks again, and
 * checks the group.
 *
 * Both must carry `exp` and `iat`, and are refused once older than their maximum age, whatever their `exp`:
 * - identity tokens: 1 hour. A phone PIN (valid up to 3 months) is minted right after a SPID/CIE/CNS login;
 *   an older login is not fresh enough to mint a credential.
 * - operator tokens: 24 hours, the longest access-token validity Cognito allows; `exp` (1 hour by default)
 *   does the usual work.
 */
export const IDENTITY_TOKEN_MAX_AGE_SECONDS = 60 * 60;
export const OPERATOR_TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60;
/** Drift allowed between the issuer's clock and ours, for `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(url: string) {
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000 });
    keySets.set(url, set);
  }
  return set;
}

const invalidToken = () => new UnauthorizedError("invalid-token", "The token is not valid or has expired.");

async function verify(
  token: string,
  jwksUrl: string,
  issuer: string,
  maxTokenAgeSeconds: number,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keySet(jwksUrl), {
      issuer,
      algorithms: ["RS256", "ES256"],
      requiredClaims: ["exp", "iat"],
      maxTokenAge: maxTokenAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowEpochSeconds() * 1000),
    });
    return payload;
  } catch {
    throw invalidToken();
  }
}

export interface OperatorPrincipal {
  operatorId: string;
  groups: string[];
}

/**
 * An operator of one of `groups`: 401 for any other token, 403 for an operator of another group. Only access
 * tokens: a Cognito ID token is signed by the same pool and carries the same groups, but it is meant for the
 * client, not for APIs (`token_use` tells them apart).
 */
export async function authenticateOperator(
  event: HttpEvent,
  groups: readonly OperatorGroup[],
): Promise<OperatorPrincipal> {
  const payload = await verify(
    bearerToken(event),
    required("OPERATOR_JWKS_URL"),
    required("OPERATOR_ISSUER"),
    OPERATOR_TOKEN_MAX_AGE_SECONDS,
  );
  const audience = required("OPERATOR_AUDIENCE");
  const audiences = [payload.client_id, ...(Array.isArray(payload.aud) ? payload.aud : [payload.aud])];
  if (payload.token_use !== "access" || !audiences.includes(audience) || typeof payload.sub !== "string") {
    throw invalidToken();
  }
  const memberOf = Array.isArray(payload["cognito:groups"]) ? (payload["cognito:groups"] as string[]) : [];
  if (!memberOf.some((g) => (groups as readonly string[]).includes(g))) {
    throw new ForbiddenError("This operation is reserved to other operator groups.");
  }
  return { operatorId: payload.sub, groups: memberOf };
}

/** The `auth` step of an operator route: an operator of one of `groups` (see `authenticateOperator`). */
export function operatorOf(...groups: OperatorGroup[]) {
  return (event: HttpEvent) => authenticateOperator(event, groups);
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
    IDENTITY_TOKEN_MAX_AGE_SECONDS,
  );
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const fiscal =
    typeof payload.fiscal_number === "string" ? payload.fiscal_number.replace(/^TINIT-/, "") : "";
  if (!audiences.includes(required("IDENTITY_AUDIENCE")) || !/^[A-Z0-9]{16}$/.test(fiscal)) {
    throw invalidToken();
  }
  return { codiceFiscale: fiscal, provider: typeof payload.idp === "string" ? payload.idp : "spid" };
}
