import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { BatchWriteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encryptPartB } from "#shared/crypto/part-b";
import {
  type LetterItem,
  letterKey,
  letterReference,
  pendingIndexAttributes,
} from "#shared/letters/letter.store";
import { RUN_LEASE_MS, runLetterBatch } from "#shared/letters/letter-batch.service";
import { dynamodb, s3 } from "#shared/platform/clients";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import { randomId } from "#shared/platform/random";

const TableName = () => process.env.TABLE_NAME!;
const Bucket = () => process.env.LETTERS_BUCKET!;
const forever = { remainingMs: () => 900_000 };

/** Queues `n` letters as a PIN request would, each with its own part B. */
async function queueLetters(n: number): Promise<Map<string, string>> {
  const partBs = new Map<string, string>();
  const items = [];
  for (let i = 0; i < n; i++) {
    const letterId = randomId();
    const partB = `${(0x10000000 + i).toString(16).toUpperCase()}`.slice(-8);
    const issuedAt = new Date().toISOString();
    partBs.set(letterId, partB);
    items.push({
      ...letterKey(letterId),
      ...pendingIndexAttributes(letterId, `${issuedAt}-${i}`),
      kind: "letter",
      letterId,
      reference: letterReference(letterId, issuedAt),
      codiceFiscale: `TSTLTR00A01Z404${String.fromCharCode(65 + (i % 26))}`,
      credentialId: randomId(),
      recipient: { surname: `Surname${i}`, givenName: "Test" },
      address: {
        countryCode: "US",
        addressLines: [`${i} Main St`],
        city: "Boston",
        postalCode: "02110",
        region: "MA",
      },
      status: "pending",
      partBCiphertext: await encryptPartB(partB, letterId),
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      issuedAt,
      queuedAt: issuedAt,
    } satisfies LetterItem & Record<string, unknown>);
  }
  for (let i = 0; i < items.length; i += 25) {
    await dynamodb.send(
      new BatchWriteCommand({
        RequestItems: { [TableName()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  return partBs;
}

async function letter(letterId: string): Promise<LetterItem> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName: TableName(), Key: letterKey(letterId) }));
  return Item as LetterItem;
}

async function json<T>(key: string): Promise<T> {
  const object = await s3.send(new GetObjectCommand({ Bucket: Bucket(), Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as T;
}

/** Every letter id listed in a committed batch (one with a summary), with how many times it is listed. */
async function printedLetterIds(): Promise<Map<string, number>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: Bucket(), Prefix: "batches/" }));
  const counts = new Map<string, number>();
  for (const key of (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith("summary.json"))) {
    const manifest = await json<{ letters: Array<{ letterId: string }> }>(
      key.replace("summary.json", "manifest.json"),
    );
    for (const row of manifest.letters) counts.set(row.letterId, (counts.get(row.letterId) ?? 0) + 1);
  }
  return counts;
}

/** Flushes letters left by other tests so each test counts only its own. */
async function drain() {
  setClockOffsetSeconds(10 * 86_400);
  await runLetterBatch(forever);
  setClockOffsetSeconds(0);
}

describe("letter batch job on DynamoDB Local and s3rver", () => {
  let before: Map<string, number>;
  beforeEach(async () => {
    await drain();
    before = await printedLetterIds();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    setClockOffsetSeconds(0);
  });

  const newlyPrinted = async () => {
    const after = await printedLetterIds();
    return new Map([...after].filter(([id]) => !before.has(id)));
  };

  it("prints every pending letter once, in files of at most N, with manifests, and erases part B", async () => {
    const partBs = await queueLetters(12);
    const summary = await runLetterBatch({ ...forever, maxLettersPerFile: 5 });
    expect(summary).toMatchObject({ letters: 12, files: 3, stoppedEarly: false });
    const printed = await newlyPrinted();
    expect([...partBs.keys()].every((id) => printed.get(id) === 1)).toBe(true);
    const csv = await (
      await s3.send(new GetObjectCommand({ Bucket: Bucket(), Key: `${summary.prefix}manifest.csv` }))
    ).Body!.transformToString();
    for (const [id, partB] of partBs) {
      const item = await letter(id);
      expect(item.status).toBe("printed");
      expect(item.partBCiphertext).toBeUndefined();
      expect((item as unknown as Record<string, unknown>).gsi1pk).toBeUndefined();
      expect(csv).toContain(id);
      expect(csv).not.toContain(partB);
    }
    expect((await runLetterBatch(forever)).letters).toBe(0);
  });

  it("three runs at once: one holds the lease and prints, none prints a letter twice", async () => {
    const partBs = await queueLetters(30);
    const runs = await Promise.all([1, 2, 3].map(() => runLetterBatch({ ...forever, maxLettersPerFile: 4 })));
    expect(runs.reduce((n, r) => n + r.letters, 0)).toBe(30);
    expect(runs.filter((r) => r.skipped).length).toBeGreaterThanOrEqual(1);
    const printed = await newlyPrinted();
    expect(printed.size).toBe(30);
    expect([...partBs.keys()].every((id) => printed.get(id) === 1)).toBe(true);
  });

  it("after a crash between committing a file and marking its letters, the next run finishes it without reprinting", async () => {
    const partBs = await queueLetters(6);
    const realSend = dynamodb.send.bind(dynamodb);
    vi.spyOn(dynamodb, "send").mockImplementation((async (command: unknown) => {
      const items =
        command instanceof BatchWriteCommand ? Object.values(command.input.RequestItems ?? {})[0] : undefined;
      if (items?.some((r) => r.PutRequest?.Item?.status === "printed")) throw new Error("crash");
      return realSend(command as never);
    }) as never);
    await expect(runLetterBatch(forever)).rejects.toThrow("crash");
    vi.restoreAllMocks();

    const recovery = await runLetterBatch(forever);
    expect(recovery).toMatchObject({ letters: 0, recoveredLetters: 6, finalisedBatches: 1 });
    const printed = await newlyPrinted();
    expect([...partBs.keys()].every((id) => printed.get(id) === 1)).toBe(true);
    for (const id of partBs.keys()) expect((await letter(id)).status).toBe("printed");
  });

  it("a run that died holding the lease blocks others until the lease lapses", async () => {
    await queueLetters(3);
    await dynamodb.send(
      new PutCommand({
        TableName: TableName(),
        Item: { pk: "LETTER-BATCH#RUN", sk: "LOCK", runId: "dead", leaseUntil: Date.now() + RUN_LEASE_MS },
      }),
    );
    expect(await runLetterBatch(forever)).toMatchObject({ skipped: true, letters: 0 });
    setClockOffsetSeconds(RUN_LEASE_MS / 1000 + 60);
    expect(await runLetterBatch(forever)).toMatchObject({ letters: 3 });
  });

  it("after a crash before a file is committed, the next run prints its letters in a new batch", async () => {
    const partBs = await queueLetters(5);
    const realSend = s3.send.bind(s3);
    vi.spyOn(s3, "send").mockImplementation((async (command: { input?: { Key?: string } }) => {
      if (/letters-\d+\.json$/.test(command.input?.Key ?? "")) throw new Error("crash");
      return realSend(command as never);
    }) as never);
    await expect(runLetterBatch(forever)).rejects.toThrow("crash");
    vi.restoreAllMocks();
    const next = await runLetterBatch(forever);
    expect(next).toMatchObject({ letters: 5, finalisedBatches: 1, recoveredLetters: 0 });
    const printed = await newlyPrinted();
    expect([...partBs.keys()].every((id) => printed.get(id) === 1)).toBe(true);
  });

  it("stops cleanly when its time runs out and the next run continues", async () => {
    await queueLetters(6);
    let calls = 0;
    const first = await runLetterBatch({
      remainingMs: () => (calls++ < 1 ? 900_000 : 1_000),
      maxLettersPerFile: 2,
    });
    expect(first).toMatchObject({ letters: 2, files: 1, stoppedEarly: true });
    const second = await runLetterBatch({ ...forever, maxLettersPerFile: 2 });
    expect(second).toMatchObject({ letters: 4, files: 2, stoppedEarly: false });
  });
});
