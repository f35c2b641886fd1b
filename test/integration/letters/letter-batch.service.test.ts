import { GetObjectCommand } from "@aws-sdk/client-s3";
import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cancelUnprintedLetter } from "#shared/letters/letter.store";
import { RUN_LEASE_MS, runLetterBatch } from "#shared/letters/letter-batch.service";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { s3 } from "#shared/platform/s3-client";
import {
  auditTypesOf,
  Bucket,
  drain,
  forever,
  json,
  lagPendingIndex,
  letter,
  printedLetterIds,
  queueLetters,
  rawLetter,
  revokeWhileRendering,
  TableName,
} from "./letters.ts";

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
      const items = command instanceof TransactWriteCommand ? command.input.TransactItems : undefined;
      if (items?.some((t) => t.Update?.ExpressionAttributeValues?.[":printed"] === "printed")) {
        throw new Error("crash");
      }
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

  it("an index that lags (entries of letters already printed or cancelled) prints each letter once, never a cancelled one", async () => {
    // Prepare: letters printed by an earlier run and one cancelled by a revocation, all still in a lagging index
    const earlier = await queueLetters(4);
    const stale = await Promise.all([...earlier.keys()].map(rawLetter));
    const first = await runLetterBatch(forever);
    expect(first.letters).toBe(4);
    const fresh = await queueLetters(5);
    const revokedId = [...fresh.keys()][2]!;
    stale.push(await rawLetter(revokedId));
    await cancelUnprintedLetter(revokedId);
    const index = lagPendingIndex(stale);

    // Act: files of 2, so the job reads the index several times; a job fooled by the index would go on
    // printing the stale entries, so its time is bounded.
    let rounds = 0;
    const run = await runLetterBatch({
      remainingMs: () => (rounds++ < 20 ? 900_000 : 0),
      maxLettersPerFile: 2,
    }).finally(index.caughtUp);

    // Assess
    expect(run).toMatchObject({ letters: 4, files: 2, stoppedEarly: false });
    const printed = await printedLetterIds();
    for (const id of [...earlier.keys(), ...fresh.keys()].filter((id) => id !== revokedId)) {
      expect(printed.get(id), id).toBe(1);
    }
    expect(printed.has(revokedId)).toBe(false);
    const revoked = await letter(revokedId);
    expect(revoked.status).toBe("cancelled");
    expect(revoked.partBCiphertext).toBeUndefined();
    expect(revoked.batchId).toBeUndefined();
    for (const id of earlier.keys()) expect((await letter(id)).batchId).toBe(first.batchId);
    // The index only names candidates: part B is read from the table, consistently, never from the index.
    expect(index.partBsSeen()).toBe(0);
  });

  it("a letter revoked while its file is being made stays cancelled and is withdrawn, not mailed", async () => {
    const partBs = await queueLetters(4);
    const revokedId = [...partBs.keys()][1]!;
    const stopRevoking = revokeWhileRendering(revokedId);
    const run = await runLetterBatch(forever).finally(stopRevoking);

    expect(run).toMatchObject({ letters: 3, files: 1 });
    const revoked = await letter(revokedId);
    expect(revoked.status).toBe("cancelled");
    expect(revoked.partBCiphertext).toBeUndefined();
    const printed = await newlyPrinted();
    expect(printed.has(revokedId)).toBe(false);
    for (const id of partBs.keys()) if (id !== revokedId) expect(printed.get(id)).toBe(1);
    const csv = await (
      await s3.send(new GetObjectCommand({ Bucket: Bucket(), Key: `${run.prefix}manifest.csv` }))
    ).Body!.transformToString();
    expect(csv).not.toContain(revokedId);
    const part = await json<{ pages: Array<{ letterId: string; page: number }> }>(
      `${run.prefix}letters-0001.json`,
    );
    const summary = await json<{ files: Array<{ letters: number; withdrawnPages?: number[] }> }>(
      `${run.prefix}summary.json`,
    );
    expect(summary.files[0]).toMatchObject({
      letters: 3,
      withdrawnPages: [part.pages.find((p) => p.letterId === revokedId)!.page],
    });
    expect(await auditTypesOf(revokedId, revoked.codiceFiscale)).toEqual(["letter-withdrawn"]);
  });

  it("a letter revoked after a crash between commit and marking stays cancelled and is withdrawn by the next run", async () => {
    const partBs = await queueLetters(3);
    const realSend = dynamodb.send.bind(dynamodb);
    vi.spyOn(dynamodb, "send").mockImplementation((async (command: unknown) => {
      const items = command instanceof TransactWriteCommand ? command.input.TransactItems : undefined;
      if (items?.some((t) => t.Update?.ExpressionAttributeValues?.[":printed"] === "printed")) {
        throw new Error("crash");
      }
      return realSend(command as never);
    }) as never);
    await expect(runLetterBatch(forever)).rejects.toThrow("crash");
    vi.restoreAllMocks();
    const revokedId = [...partBs.keys()][0]!;
    await cancelUnprintedLetter(revokedId);

    const recovery = await runLetterBatch(forever);
    expect(recovery).toMatchObject({ letters: 0, recoveredLetters: 2, finalisedBatches: 1 });
    expect((await letter(revokedId)).status).toBe("cancelled");
    const printed = await newlyPrinted();
    expect(printed.has(revokedId)).toBe(false);
    for (const id of partBs.keys()) if (id !== revokedId) expect(printed.get(id)).toBe(1);
  });

  it("a marking transaction that went through but whose answer was lost is not taken for withdrawn letters", async () => {
    const partBs = await queueLetters(3);
    // Inside the SDK's retries: the first marking transaction reaches DynamoDB, then its answer is lost.
    const name = "test-lost-answer";
    let lost = false;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (
          !lost &&
          context.commandName === "TransactWriteItemsCommand" &&
          JSON.stringify(args.input).includes('"printed"')
        ) {
          lost = true;
          throw Object.assign(new Error("answer lost"), { name: "TimeoutError" });
        }
        return result;
      },
      { step: "finalizeRequest", priority: "low", name },
    );
    const run = await runLetterBatch(forever).finally(() => dynamodb.middlewareStack.remove(name));

    expect(lost).toBe(true);
    expect(run).toMatchObject({ letters: 3, files: 1 });
    const printed = await newlyPrinted();
    for (const id of partBs.keys()) expect(printed.get(id)).toBe(1);
    const summary = await json<{ files: Array<{ withdrawnPages?: number[] }> }>(`${run.prefix}summary.json`);
    expect(summary.files[0]?.withdrawnPages).toBeUndefined();
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
