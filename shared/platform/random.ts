import { randomBytes, randomInt, randomUUID } from "node:crypto";

/**
 * All randomness of the service comes from Node's CSPRNG through this module, so tests can replace it
 * with `setRandomSource` and nothing else draws its own.
 */
export interface RandomSource {
  bytes(size: number): Buffer;
  int(maxExclusive: number): number;
  uuid(): string;
}

const cryptoSource: RandomSource = {
  bytes: (size) => randomBytes(size),
  int: (maxExclusive) => randomInt(maxExclusive),
  uuid: () => randomUUID(),
};

let source: RandomSource = cryptoSource;

export function setRandomSource(next: RandomSource | undefined): void {
  source = next ?? cryptoSource;
}

export function randomId(): string {
  return source.uuid();
}

/** `length` characters drawn uniformly from `alphabet` (rejection-free via randomInt). */
export function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[source.int(alphabet.length)];
  return out;
}

/** URL-safe opaque token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return source.bytes(bytes).toString("base64url");
}

export function randomBytesOf(size: number): Buffer {
  return source.bytes(size);
}
