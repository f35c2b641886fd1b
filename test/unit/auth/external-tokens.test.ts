import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  authenticateIdentity,
  authenticateOperator,
  IDENTITY_TOKEN_MAX_AGE_SECONDS,
  OPERATOR_TOKEN_MAX_AGE_SECONDS,
} from "#shared/auth/external-tokens";
import { nowEpochSeconds, setClockOffsetSeconds } from "#shared/platform/clock";
import { resetConfig } from "#shared/platform/config";
import type { HttpEvent } from "#shared/platform/http";

/**
 * Operator (Cognito-shaped) and SPID/CIE/CNS identity tokens, signed here and checked against a JWKS served
 * from a loopback HTTP server: the production code fetches it exactly as it fetches the real issuer's.
 */
const OPERATOR_ISSUER = "https://cognito.test/pool";
const OPERATOR_CLIENT = "operator-client";
const IDENTITY_ISSUER = "https://identity.test";
const IDENTITY_AUDIENCE = "pin-service";
const CF = "RSSMRA80A01Z404R";

let server: Server;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", use: "sig" }] });
  server = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(jwks));
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  Object.assign(process.env, {
    OPERATOR_ISSUER,
    OPERATOR_AUDIENCE: OPERATOR_CLIENT,
    OPERATOR_JWKS_URL: url,
    IDENTITY_ISSUER,
    IDENTITY_AUDIENCE,
    IDENTITY_JWKS_URL: url,
  });
  resetConfig();
});

afterAll(() => new Promise((done) => server.close(done)));
afterEach(() => setClockOffsetSeconds(0));

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as HttpEvent;

/** Signs `claims` as given: a claim set to undefined is left out, so tokens without `exp` or `iat` can be made. */
function sign(claims: JWTPayload): Promise<string> {
  const present = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(present).setProtectedHeader({ alg: "ES256", kid: "k1", typ: "JWT" }).sign(privateKey);
}

function operatorClaims(overrides: JWTPayload = {}): JWTPayload {
  const iat = nowEpochSeconds();
  return {
    iss: OPERATOR_ISSUER,
    sub: "op-1",
    client_id: OPERATOR_CLIENT,
    token_use: "access",
    "cognito:groups": ["contact-center"],
    iat,
    exp: iat + 3600,
    ...overrides,
  };
}

function identityClaims(overrides: JWTPayload = {}): JWTPayload {
  const iat = nowEpochSeconds();
  return {
    iss: IDENTITY_ISSUER,
    aud: IDENTITY_AUDIENCE,
    sub: `spid:${CF}`,
    fiscal_number: `TINIT-${CF}`,
    idp: "spid",
    iat,
    exp: iat + 3600,
    ...overrides,
  };
}

const refused = { statusCode: 401, code: "invalid-token" };

describe("identity tokens (SPID/CIE/CNS)", () => {
  it("accepts a fresh token and reads the codice fiscale", async () => {
    const token = await sign(identityClaims());
    await expect(authenticateIdentity(bearer(token))).resolves.toEqual({
      codiceFiscale: CF,
      provider: "spid",
    });
  });

  it("refuses a token without exp", async () => {
    const token = await sign(identityClaims({ exp: undefined }));
    await expect(authenticateIdentity(bearer(token))).rejects.toMatchObject(refused);
  });

  it("refuses a token without iat", async () => {
    const token = await sign(identityClaims({ iat: undefined }));
    await expect(authenticateIdentity(bearer(token))).rejects.toMatchObject(refused);
  });

  it("refuses a token issued longer ago than the maximum age, even with a distant exp", async () => {
    const at = nowEpochSeconds();
    const token = await sign(
      identityClaims({ iat: at - IDENTITY_TOKEN_MAX_AGE_SECONDS - 120, exp: at + 30 * 86_400 }),
    );
    await expect(authenticateIdentity(bearer(token))).rejects.toMatchObject(refused);
  });

  it("refuses a token issued in the future", async () => {
    const at = nowEpochSeconds();
    const token = await sign(identityClaims({ iat: at + 600, exp: at + 3600 }));
    await expect(authenticateIdentity(bearer(token))).rejects.toMatchObject(refused);
  });

  it("is checked against the service clock, not the machine's", async () => {
    const token = await sign(identityClaims());
    setClockOffsetSeconds(2 * 86_400);
    await expect(authenticateIdentity(bearer(token))).rejects.toMatchObject(refused);
    const minted = await sign(identityClaims());
    await expect(authenticateIdentity(bearer(minted))).resolves.toMatchObject({ codiceFiscale: CF });
  });
});

describe("operator tokens (Cognito)", () => {
  it("accepts an access token of an operator of the group", async () => {
    const token = await sign(operatorClaims());
    await expect(authenticateOperator(bearer(token), ["contact-center"])).resolves.toEqual({
      operatorId: "op-1",
      groups: ["contact-center"],
    });
  });

  it("refuses an ID token of the same pool", async () => {
    // Shaped like a Cognito ID token: `aud` is the client, `token_use` is "id".
    const token = await sign(operatorClaims({ token_use: "id", client_id: undefined, aud: OPERATOR_CLIENT }));
    await expect(authenticateOperator(bearer(token), ["contact-center"])).rejects.toMatchObject(refused);
  });

  it("refuses a token without token_use", async () => {
    const token = await sign(operatorClaims({ token_use: undefined }));
    await expect(authenticateOperator(bearer(token), ["contact-center"])).rejects.toMatchObject(refused);
  });

  it("refuses tokens without exp or iat, or older than the maximum age", async () => {
    const at = nowEpochSeconds();
    for (const claims of [
      operatorClaims({ exp: undefined }),
      operatorClaims({ iat: undefined }),
      operatorClaims({ iat: at - OPERATOR_TOKEN_MAX_AGE_SECONDS - 120, exp: at + 3600 }),
    ]) {
      await expect(
        authenticateOperator(bearer(await sign(claims)), ["contact-center"]),
      ).rejects.toMatchObject(refused);
    }
  });

  it("is checked against the service clock", async () => {
    const token = await sign(operatorClaims());
    setClockOffsetSeconds(2 * 86_400);
    await expect(authenticateOperator(bearer(token), ["contact-center"])).rejects.toMatchObject(refused);
  });

  it("answers 403 to an operator of another group", async () => {
    const token = await sign(operatorClaims({ "cognito:groups": ["branch"] }));
    await expect(authenticateOperator(bearer(token), ["contact-center"])).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});
