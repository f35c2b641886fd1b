import { createCipheriv, createDecipheriv } from "node:crypto";
import { DecryptCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { kms } from "../platform/clients.ts";
import { config } from "../platform/config.ts";
import { randomBytesOf } from "../platform/random.ts";

/**
 * Encrypts part B between the request and the printing of its letter. In AWS with KMS (the ciphertext is
 * bound to the letter by the encryption context); locally with AES-256-GCM under `LOCAL_DATA_KEY`, the AAD
 * playing the role of the encryption context. Ciphertexts are tagged so each side refuses the other's.
 */
export async function encryptPartB(partB: string, letterId: string): Promise<string> {
  const cfg = config();
  if (cfg.PART_B_KEY_ID) {
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({
        KeyId: cfg.PART_B_KEY_ID,
        Plaintext: Buffer.from(partB, "utf8"),
        EncryptionContext: { purpose: "part-b", letterId },
      }),
    );
    return `kms:${Buffer.from(CiphertextBlob!).toString("base64")}`;
  }
  const key = localKey();
  const iv = randomBytesOf(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`part-b:${letterId}`));
  const body = Buffer.concat([cipher.update(partB, "utf8"), cipher.final()]);
  return `local:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

export async function decryptPartB(ciphertext: string, letterId: string): Promise<string> {
  const [scheme, payload = ""] = ciphertext.split(":", 2);
  const data = Buffer.from(payload, "base64");
  if (scheme === "kms") {
    const { Plaintext } = await kms.send(
      new DecryptCommand({ CiphertextBlob: data, EncryptionContext: { purpose: "part-b", letterId } }),
    );
    return Buffer.from(Plaintext!).toString("utf8");
  }
  if (scheme !== "local") throw new Error("Unknown part B ciphertext scheme");
  const decipher = createDecipheriv("aes-256-gcm", localKey(), data.subarray(0, 12));
  decipher.setAAD(Buffer.from(`part-b:${letterId}`));
  decipher.setAuthTag(data.subarray(12, 28));
  return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString("utf8");
}

function localKey(): Buffer {
  const encoded = config().LOCAL_DATA_KEY;
  if (!encoded) throw new Error("Missing environment variable PART_B_KEY_ID");
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32) throw new Error("LOCAL_DATA_KEY must be 32 bytes, base64");
  return key;
}
