import { createLocalJWKSet, jwtVerify } from "jose";
import { nowEpochSeconds } from "../platform/clock.ts";
import { UnauthorizedError } from "../platform/errors.ts";
import type { HttpEvent } from "../platform/http.ts";
import { randomId } from "../platform/random.ts";
import { accessTokenSigner } from "./signing-key.ts";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = "pin-service";
const AUDIENCE = "pin-service:citizen";

export interface CitizenPrincipal {
  codiceFiscale: string;
  credentialId: string;
  pinType: "ordinario" | "dispositivo";
}

/** Issues a 15-minute ES256 access token for an authenticated PIN holder. */
export async function issueAccessToken(principal: CitizenPrincipal): Promise<string> {
  const signer = await accessTokenSigner();
  const iat = nowEpochSeconds();
  return signer.sign(
    { typ: "at+jwt" },
    {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: principal.codiceFiscale,
      cid: principal.credentialId,
      pin_type: principal.pinType,
      iat,
      exp: iat + ACCESS_TOKEN_TTL_SECONDS,
      jti: randomId(),
    },
  );
}

/** The JWKS document published at `/.well-known/jwks.json`. */
export async function accessTokenJwks(): Promise<{ keys: unknown[] }> {
  const signer = await accessTokenSigner();
  return { keys: [signer.publicJwk] };
}

/** The bearer token of a request, or a 401. */
export function bearerToken(event: HttpEvent): string {
  const header = event.headers?.authorization ?? "";
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw new UnauthorizedError();
  return match[1];
}

/** Verifies a citizen access token against the service's own key and clock. */
export async function verifyAccessToken(token: string): Promise<CitizenPrincipal> {
  const signer = await accessTokenSigner();
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [signer.publicJwk] }), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["ES256"],
      typ: "at+jwt",
      currentDate: new Date(nowEpochSeconds() * 1000),
    });
    if (typeof payload.sub !== "string" || typeof payload.cid !== "string") throw new Error("claims");
    return {
      codiceFiscale: payload.sub,
      credentialId: payload.cid,
      pinType: payload.pin_type === "dispositivo" ? "dispositivo" : "ordinario",
    };
  } catch {
    throw new UnauthorizedError("invalid-token", "The access token is not valid or has expired.");
  }
}

export async function authenticateCitizen(event: HttpEvent): Promise<CitizenPrincipal> {
  return verifyAccessToken(bearerToken(event));
}
