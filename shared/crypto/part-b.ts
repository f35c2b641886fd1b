import { createCipheriv, createDecipheriv } from "node:crypto";
import { DecryptCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { config } from "../platform/config.ts";
import { kms } from "../platform/kms-client.ts";
import { randomBytesOf } from "../platform/random.ts";

/** The `purpose` every use of the part-B key names; the key's policy and grants require it (infra/). */
export const PART_B_PURPOSE = "part-b";

/** What a part-B ciphertext is bound to: a wrong letter id cannot decrypt it, in AWS or locally. */
export function partBEncryptionContext(letterId: string): {
  purpose: typeof PART_B_PURPOSE;
  letterId: string;
} {
  return { purpose: PART_B_PURPOSE, letterId };
}

/**
 * Encrypts part B between the request and the printing of its letter. In AWS with its own KMS key, the
 * encryption context binding the ciphertext to the letter; locally with AES-256-GCM under `LOCAL_DATA_KEY`,
 * the same context as additional authenticated data. Ciphertexts are tagged so each side refuses the other's.
 */
export async function encryptPartB(partB: string, letterId: string): Promise<string> {
  const cfg = config();
  if (cfg.PART_B_KEY_ID) {
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({
        KeyId: cfg.PART_B_KEY_ID,
        Plaintext: Buffer.from(partB, "utf8"),
        EncryptionContext: partBEncryptionContext(letterId),
      }),
    );
    return `kms:${Buffer.from(CiphertextBlob!).toString("base64")}`;
  }
  const iv = randomBytesOf(12);
  const cipher = createCipheriv("aes-256-gcm", localKey(), iv);
  cipher.setAAD(localAad(letterId));
  const body = Buffer.concat([cipher.update(partB, "utf8"), cipher.final()]);
  return `local:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

export async function decryptPartB(ciphertext: string, letterId: string): Promise<string> {
  const [scheme, payload = ""] = ciphertext.split(":", 2);
  const data = Buffer.from(payload, "base64");
  if (scheme === "kms") {
    const { Plaintext } = await kms.send(
      new DecryptCommand({ CiphertextBlob: data, EncryptionContext: partBEncryptionContext(letterId) }),
    );
    return Buffer.from(Plaintext!).toString("utf8");
  }
  if (scheme !== "local") throw new Error("Unknown part B ciphertext scheme");
  const decipher = createDecipheriv("aes-256-gcm", localKey(), data.subarray(0, 12));
  decipher.setAAD(localAad(letterId));
  decipher.setAuthTag(data.subarray(12, 28));
  return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString("utf8");
}

/** The encryption context as AAD: `part-b:<letterId>`, the bytes local ciphertexts have always carried. */
function localAad(letterId: string): Buffer {
  const { purpose } = partBEncryptionContext(letterId);
  return Buffer.from(`${purpose}:${letterId}`);
}

function localKey(): Buffer {
  const encoded = config().LOCAL_DATA_KEY;
  if (!encoded) {
    throw new Error("Missing environment variable PART_B_KEY_ID (AWS) or LOCAL_DATA_KEY (local stack)");
  }
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32) throw new Error("LOCAL_DATA_KEY must be 32 bytes, base64");
  return key;
}
