import { createHash } from "node:crypto";
import { GetPublicKeyCommand, SignCommand } from "@aws-sdk/client-kms";
import { base64url, exportJWK, importJWK, importSPKI, type JWK, SignJWT } from "jose";
import { config } from "../platform/config.ts";
import { kms } from "../platform/kms-client.ts";

/**
 * The key that signs citizen access tokens (ES256). In AWS it is a KMS asymmetric key (ECC_NIST_P256) whose
 * private half never leaves KMS; locally `LOCAL_SIGNING_JWK` stands in for it. Either way the public half is
 * published at `/.well-known/jwks.json`.
 */
export interface Signer {
  kid: string;
  publicJwk: JWK;
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string>;
}

let signer: Promise<Signer> | undefined;

export function accessTokenSigner(): Promise<Signer> {
  signer ??= createSigner().catch((error) => {
    signer = undefined;
    throw error;
  });
  return signer;
}

async function createSigner(): Promise<Signer> {
  const cfg = config();
  if (cfg.SIGNING_KEY_ID) return kmsSigner(cfg.SIGNING_KEY_ID);
  if (cfg.LOCAL_SIGNING_JWK) return localSigner(JSON.parse(cfg.LOCAL_SIGNING_JWK) as JWK);
  throw new Error("Missing environment variable SIGNING_KEY_ID");
}

async function localSigner(privateJwk: JWK): Promise<Signer> {
  const key = await importJWK(privateJwk, "ES256");
  const { d: _private, ...publicPart } = privateJwk;
  const kid = privateJwk.kid ?? thumbprintKid(publicPart);
  const publicJwk: JWK = { ...publicPart, kid, alg: "ES256", use: "sig" };
  return {
    kid,
    publicJwk,
    sign: (header, payload) =>
      new SignJWT(payload).setProtectedHeader({ ...header, alg: "ES256", kid }).sign(key),
  };
}

async function kmsSigner(keyId: string): Promise<Signer> {
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!PublicKey) throw new Error("KMS returned no public key");
  const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(PublicKey).toString("base64")}\n-----END PUBLIC KEY-----`;
  const publicPart = await exportJWK(await importSPKI(pem, "ES256", { extractable: true }));
  const kid = thumbprintKid(publicPart);
  return {
    kid,
    publicJwk: { ...publicPart, kid, alg: "ES256", use: "sig" },
    async sign(header, payload) {
      const encodedHeader = base64url.encode(JSON.stringify({ ...header, alg: "ES256", kid }));
      const signingInput = `${encodedHeader}.${base64url.encode(JSON.stringify(payload))}`;
      const { Signature } = await kms.send(
        new SignCommand({
          KeyId: keyId,
          Message: Buffer.from(signingInput),
          MessageType: "RAW",
          SigningAlgorithm: "ECDSA_SHA_256",
        }),
      );
      if (!Signature) throw new Error("KMS returned no signature");
      return `${signingInput}.${base64url.encode(derToJose(Buffer.from(Signature)))}`;
    },
  };
}

function thumbprintKid(jwk: JWK): string {
  return createHash("sha256")
    .update(JSON.stringify([jwk.crv, jwk.x, jwk.y]))
    .digest("base64url")
    .slice(0, 16);
}

/** KMS returns ECDSA signatures DER-encoded; JWS wants the fixed-size r‖s concatenation. */
export function derToJose(der: Buffer): Buffer {
  let offset = 2;
  if (der[1]! & 0x80) offset = 2 + (der[1]! & 0x7f);
  const readInt = (): Buffer => {
    const length = der[offset + 1]!;
    const value = der.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    const trimmed = value[0] === 0 ? value.subarray(1) : value;
    return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
  };
  const r = readInt();
  const s = readInt();
  return Buffer.concat([r, s]);
}
