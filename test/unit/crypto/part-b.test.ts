import { randomBytes } from "node:crypto";
import { DecryptCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { decryptPartB, encryptPartB } from "#shared/crypto/part-b";
import { resetConfig } from "#shared/platform/config";

const kmsMock = mockClient(KMSClient);
const saved = { PART_B_KEY_ID: process.env.PART_B_KEY_ID, LOCAL_DATA_KEY: process.env.LOCAL_DATA_KEY };
const letterId = "11111111-1111-4111-8111-111111111111";

function useEnvironment(values: { PART_B_KEY_ID?: string; LOCAL_DATA_KEY?: string }): void {
  for (const name of ["PART_B_KEY_ID", "LOCAL_DATA_KEY"] as const) {
    if (values[name] === undefined) delete process.env[name];
    else process.env[name] = values[name];
  }
  resetConfig();
}

beforeEach(() => kmsMock.reset());
afterEach(() => useEnvironment({}));
afterAll(() => {
  useEnvironment(saved);
  kmsMock.restore();
});

describe("part B in AWS (KMS)", () => {
  beforeEach(() => useEnvironment({ PART_B_KEY_ID: "part-b-key-id" }));

  it("encrypts under the part-B key with the purpose and the letter id as encryption context", async () => {
    kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: Uint8Array.from([1, 2, 3]) });

    const ciphertext = await encryptPartB("A1B2C3D4", letterId);

    expect(ciphertext).toBe(`kms:${Buffer.from([1, 2, 3]).toString("base64")}`);
    const calls = kmsMock.commandCalls(EncryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      KeyId: "part-b-key-id",
      EncryptionContext: { purpose: "part-b", letterId },
    });
    expect(Buffer.from(calls[0]?.args[0].input.Plaintext ?? []).toString("utf8")).toBe("A1B2C3D4");
  });

  it("decrypts with the same encryption context, so KMS refuses a ciphertext moved to another letter", async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: Buffer.from("A1B2C3D4") });

    const partB = await decryptPartB(`kms:${Buffer.from([1, 2, 3]).toString("base64")}`, letterId);

    expect(partB).toBe("A1B2C3D4");
    const calls = kmsMock.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.EncryptionContext).toEqual({ purpose: "part-b", letterId });
    expect(Buffer.from(calls[0]?.args[0].input.CiphertextBlob ?? [])).toEqual(Buffer.from([1, 2, 3]));
  });
});

describe("part B locally (AES-256-GCM)", () => {
  beforeEach(() => useEnvironment({ LOCAL_DATA_KEY: randomBytes(32).toString("base64") }));

  it("round-trips with the letter id it was encrypted for, without calling KMS", async () => {
    const ciphertext = await encryptPartB("A1B2C3D4", letterId);

    expect(ciphertext).toMatch(/^local:/);
    expect(ciphertext).not.toContain("A1B2C3D4");
    expect(await decryptPartB(ciphertext, letterId)).toBe("A1B2C3D4");
    expect(kmsMock.calls()).toHaveLength(0);
  });

  it("fails to decrypt with another letter's id: the context is authenticated data", async () => {
    const ciphertext = await encryptPartB("A1B2C3D4", letterId);

    await expect(decryptPartB(ciphertext, "22222222-2222-4222-8222-222222222222")).rejects.toThrow();
  });
});
