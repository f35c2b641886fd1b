import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

/** Local stand-ins for the KMS keys and for the operator/identity token issuer, kept across restarts. */
export interface LocalKeys {
  /** AES-256 key (base64) in place of the KMS data key that encrypts part B. */
  dataKey: string;
  /** EC P-256 private JWK in place of the KMS signing key of citizen access tokens. */
  signingJwk: JWK;
  /** EC P-256 private JWK of the local issuer of operator and SPID/CIE/CNS tokens. */
  issuerJwk: JWK;
}

async function ecJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID().slice(0, 8), alg: "ES256" };
}

export async function loadOrCreateKeys(dir: string): Promise<LocalKeys> {
  const file = join(dir, "keys.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalKeys;
  const keys: LocalKeys = {
    dataKey: randomBytes(32).toString("base64"),
    signingJwk: await ecJwk(),
    issuerJwk: await ecJwk(),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
