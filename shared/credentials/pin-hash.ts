import { createHash, scrypt, timingSafeEqual } from "node:crypto";
import { randomBytesOf } from "../platform/random.ts";

/**
 * Salted slow hashes for PINs and short codes: scrypt at OWASP's recommended cost (N=2^17, r=8, p=1).
 * The algorithm and cost are stored beside each hash (`scrypt$ln=17,r=8,p=1$<salt>$<hash>`), so a future
 * cost increase still verifies old hashes and `needsRehash` tells when to upgrade them.
 */
export interface ScryptCost {
  ln: number;
  r: number;
  p: number;
}

export const OWASP_SCRYPT: ScryptCost = { ln: 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      secret,
      salt,
      KEY_LENGTH,
      { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 16 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashSecret(secret: string, cost: ScryptCost = OWASP_SCRYPT): Promise<string> {
  const salt = randomBytesOf(16);
  const key = await derive(secret, salt, cost);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

function parse(encoded: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const match = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!match) return undefined;
  return {
    cost: { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) },
    salt: Buffer.from(match[4]!, "base64"),
    key: Buffer.from(match[5]!, "base64"),
  };
}

export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const key = await derive(secret, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

export function needsRehash(encoded: string, cost: ScryptCost = OWASP_SCRYPT): boolean {
  const parsed = parse(encoded);
  return !parsed || parsed.cost.ln < cost.ln || parsed.cost.r < cost.r || parsed.cost.p < cost.p;
}

/** A hash of a value nobody knows, at the current cost: unknown holders are checked against it. */
export const DUMMY_HASH = `scrypt$ln=${OWASP_SCRYPT.ln},r=${OWASP_SCRYPT.r},p=${OWASP_SCRYPT.p}$${Buffer.alloc(16, 7).toString("base64")}$${Buffer.alloc(32, 9).toString("base64")}`;

/** Spends the same time as a real check, and always fails. */
export async function verifyAgainstDummy(secret: string): Promise<false> {
  await verifySecret(secret, DUMMY_HASH);
  return false;
}

/**
 * One-time tokens carry 256 random bits, so a fast hash is enough to keep them out of the table: nobody
 * can search that space, and lookups by hash stay cheap.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
