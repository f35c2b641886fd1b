import { createLocalJWKSet, jwtVerify } from "jose";
import type { Credential } from "../credentials/credential.model.ts";
import { getCredential } from "../credentials/credential.store.ts";
import { nowEpochSeconds } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { ForbiddenError, UnauthorizedError } from "../platform/errors.ts";
import type { HttpEvent } from "../platform/http.ts";
import { randomId } from "../platform/random.ts";
import { accessTokenSigner } from "./signing-key.ts";
import { pseudonymFor, resolvePseudonym } from "./subject.store.ts";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** The resource the tokens are for (RFC 9068 `aud`) and the client they are issued to (`client_id`). */
const AUDIENCE = "pin-service";
const CLIENT_ID = "pin-web";

/** The issuer is the web origin, which serves `/.well-known/jwks.json` (RFC 9068 `iss`). */
const issuer = () => required("WEB_ORIGIN");

export interface CitizenPrincipal {
  codiceFiscale: string;
  credentialId: string;
  pinType: "ordinario" | "dispositivo";
  /** Set when a delegate acts for the holder (F14): who acts, and under which delegation. */
  actor?: { codiceFiscale: string; delegationId: string };
  /**
   * How the holder proved who they are (RFC 8176 `amr`): `pwd` for the PIN, `pop` for a passkey (F19). With
   * `authTime` (epoch seconds, the `auth_time` claim) it lets a route ask for a recent login of a given kind.
   */
  amr?: LoginMethod[];
  authTime?: number;
}

export type LoginMethod = "pwd" | "pop";

/** A verified token's principal with the credential it names, as it is now (PIN type and state come from here). */
export interface Holder extends CitizenPrincipal {
  credential: Credential;
}

/**
 * Issues a 15-minute ES256 access token (RFC 9068: `typ` at+jwt, `iss`, `aud`, `client_id`, `sub`, `jti`).
 * A delegated token (F14) also carries the RFC 8693 `act` claim naming the delegate, and its delegation id.
 */
export async function issueAccessToken(
  principal: CitizenPrincipal,
  ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
): Promise<string> {
  const signer = await accessTokenSigner();
  const iat = nowEpochSeconds();
  const exp = iat + ttlSeconds;
  const [sub, act] = await Promise.all([
    pseudonymFor(principal.codiceFiscale, exp),
    principal.actor ? pseudonymFor(principal.actor.codiceFiscale, exp) : undefined,
  ]);
  return signer.sign(
    { typ: "at+jwt" },
    {
      iss: issuer(),
      aud: AUDIENCE,
      client_id: CLIENT_ID,
      sub,
      cid: principal.credentialId,
      pin_type: principal.pinType,
      ...(act && principal.actor ? { act: { sub: act }, dlg: principal.actor.delegationId } : {}),
      ...(principal.amr ? { amr: principal.amr, auth_time: principal.authTime ?? iat } : {}),
      iat,
      exp,
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

function invalidToken(): UnauthorizedError {
  return new UnauthorizedError("invalid-token", "The access token is not valid or has expired.");
}

/**
 * Verifies a citizen access token against the service's own key and clock, resolves its subjects, and holds
 * it to the credential it was issued for: once that PIN is revoked or reissued (recovery, a new request, a
 * branch replacement), the token is dead on every route, however long it still has to run.
 */
export async function verifyAccessToken(token: string): Promise<Holder> {
  const signer = await accessTokenSigner();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: [signer.publicJwk] }), {
      issuer: issuer(),
      audience: AUDIENCE,
      algorithms: ["ES256"],
      typ: "at+jwt",
      requiredClaims: ["exp", "iat", "sub", "jti", "client_id"],
      currentDate: new Date(nowEpochSeconds() * 1000),
    }));
  } catch {
    throw invalidToken();
  }
  if (typeof payload.sub !== "string" || typeof payload.cid !== "string") throw invalidToken();
  const act = payload.act as { sub?: unknown } | undefined;
  const [codiceFiscale, actorCodiceFiscale] = await Promise.all([
    resolvePseudonym(payload.sub),
    typeof act?.sub === "string" ? resolvePseudonym(act.sub) : undefined,
  ]);
  if (!codiceFiscale || (act && (!actorCodiceFiscale || typeof payload.dlg !== "string")))
    throw invalidToken();
  const credential = await getCredential(codiceFiscale);
  if (!credential || credential.credentialId !== payload.cid || credential.status !== "active") {
    throw new UnauthorizedError("invalid-token", "The access token no longer matches an active PIN.");
  }
  return {
    codiceFiscale,
    credentialId: payload.cid,
    pinType: credential.pinType,
    credential,
    ...loginClaims(payload),
    ...(actorCodiceFiscale
      ? { actor: { codiceFiscale: actorCodiceFiscale, delegationId: payload.dlg as string } }
      : {}),
  };
}

function loginClaims(payload: Record<string, unknown>): Pick<CitizenPrincipal, "amr" | "authTime"> {
  const { amr, auth_time: authTime } = payload;
  if (!Array.isArray(amr) || typeof authTime !== "number") return {};
  return { amr: amr.filter((m): m is LoginMethod => m === "pwd" || m === "pop"), authTime };
}

/** How recent a login must be for a route that binds or removes a way in (F19): 5 minutes. */
export const RECENT_LOGIN_SECONDS = 5 * 60;

/**
 * Refuses a token whose login is older than 5 minutes or was made another way than `methods` allow, with
 * `401 reauthentication-required`: the holder logs in again and retries.
 */
export function requireRecentLogin(holder: CitizenPrincipal, methods: readonly LoginMethod[]): void {
  const fresh = holder.authTime !== undefined && nowEpochSeconds() - holder.authTime <= RECENT_LOGIN_SECONDS;
  if (!fresh || !holder.amr?.some((m) => methods.includes(m))) {
    throw new UnauthorizedError(
      "reauthentication-required",
      methods.includes("pop")
        ? "Log in again with your PIN or a passkey, then retry within 5 minutes."
        : "Log in again with your PIN, then retry within 5 minutes.",
    );
  }
}

/**
 * A citizen's own access token. A delegate's token for someone else (F14) is refused here with
 * `403 forbidden`: only the routes that take `authenticateCitizenOrDelegate` serve acts on behalf.
 */
export async function authenticateCitizen(event: HttpEvent): Promise<Holder> {
  const principal = await verifyAccessToken(bearerToken(event));
  if (principal.actor) throw delegatedForbidden();
  return principal;
}

export function delegatedForbidden(): ForbiddenError {
  return new ForbiddenError("A delegate cannot manage the delegator's credential or delegations.");
}

/**
 * Refuses a delegated token on a route that manages credentials but takes no citizen token (recovery,
 * revocation, phone PIN): sending one there is a delegate trying to act beyond the delegation.
 */
export async function refuseDelegatedToken(event: HttpEvent): Promise<void> {
  const header = event.headers?.authorization;
  if (!header) return;
  const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  if (!token) return;
  const principal = await verifyAccessToken(token).catch(() => undefined);
  if (principal?.actor) throw delegatedForbidden();
}
