import { createHash } from "node:crypto";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { auditKeys } from "../audit/audit.store.ts";
import { decryptPartB } from "../crypto/part-b.ts";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { logger } from "../platform/logger.ts";
import { randomId } from "../platform/random.ts";
import { s3 } from "../platform/s3-client.ts";
import { tableDefinition } from "../table.ts";
import { batchPrefix, letterFileKey, manifestKeys } from "./batch-keys.ts";
import type { LetterToPrint } from "./letter.schema.ts";
import { type LetterItem, letterKey, PENDING_LETTERS_PK } from "./letter.store.ts";
import { renderLetterFile } from "./letter-pdf.ts";
import { ManifestBuilder, type ManifestFile } from "./manifest.ts";

export const MAX_LETTERS_PER_FILE = 2000;
/** The run lease outlives the job's 15-minute timeout and is renewed after every file. */
export const RUN_LEASE_MS = 20 * 60_000;
const OPEN_BATCHES_PK = "BATCH#OPEN";
const RUN_LOCK_KEY = { pk: "LETTER-BATCH#RUN", sk: "LOCK" };

export interface LetterBatchSummary {
  batchId?: string;
  prefix?: string;
  letters: number;
  files: number;
  /** Letters of committed files that a crashed run had not yet marked, now marked. */
  recoveredLetters: number;
  /** Batches a crashed run left open, now closed with their manifest. */
  finalisedBatches: number;
  stoppedEarly: boolean;
  /** Another run held the lease: this one did nothing. */
  skipped?: boolean;
}

/** One committed file: once it is recorded on its batch, its letters are printed exactly there. */
interface FilePart {
  key: string;
  sha256: string;
  pages: { letterId: string; page: number }[];
  letters: Array<Omit<LetterToPrint, "partB"> & { codiceFiscale: string }>;
}

export interface RunOptions {
  /** Milliseconds the invocation has left (Lambda context); the run stops cleanly below `reserveMs`. */
  remainingMs: () => number;
  reserveMs?: number;
  maxLettersPerFile?: number;
}

const table = () => required("TABLE_NAME");
const bucket = () => required("LETTERS_BUCKET");
const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: "BATCH" });
const partKeyOf = (fileKey: string) => fileKey.replace(/\.pdf$/, ".json");

/**
 * Primary course (F2): take the run lease (one run at a time; a parallel run answers `skipped`), close any
 * batch a crashed run left open, then a file at a time: take up to 2,000 pending letters found through the
 * sparse index (never a Scan), render them, store the PDF and its part manifest, record the file on the batch
 * (the commit point), and mark the letters printed with part B erased. Finally the batch manifest (JSON, CSV)
 * and the summary, last. The print house prints only the files a summary lists, so a file stored by a run
 * that died before its commit point is never printed, and its letters, still pending, go into the next batch.
 *
 * The index is eventually consistent (a GSI in AWS): it may still list letters just printed or cancelled.
 * It only proposes candidates. A consistent read confirms each one is pending, and the mark is a write
 * conditional on it still being pending, so a letter is marked printed once and a cancelled one never: a
 * letter cancelled (PIN revoked) between that read and the mark stays cancelled, and its page is listed in
 * the summary as withdrawn, never in the manifest, so it is not mailed.
 */
export async function runLetterBatch(options: RunOptions): Promise<LetterBatchSummary> {
  const runId = randomId();
  if (!(await takeLease(runId))) {
    return {
      letters: 0,
      files: 0,
      recoveredLetters: 0,
      finalisedBatches: 0,
      stoppedEarly: false,
      skipped: true,
    };
  }
  try {
    return await runWithLease(runId, options);
  } finally {
    await dynamodb
      .send(
        new DeleteCommand({
          TableName: table(),
          Key: RUN_LOCK_KEY,
          ConditionExpression: "runId = :me",
          ExpressionAttributeValues: { ":me": runId },
        }),
      )
      .catch((error) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }
}

async function takeLease(runId: string, renew = false): Promise<boolean> {
  const at = nowMs();
  try {
    await dynamodb.send(
      new PutCommand({
        TableName: table(),
        Item: { ...RUN_LOCK_KEY, kind: "letter-batch-lease", runId, leaseUntil: at + RUN_LEASE_MS },
        ConditionExpression: renew ? "runId = :me" : "attribute_not_exists(pk) OR leaseUntil < :now",
        ExpressionAttributeValues: renew ? { ":me": runId } : { ":now": at },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

async function runWithLease(runId: string, options: RunOptions): Promise<LetterBatchSummary> {
  const reserveMs = options.reserveMs ?? 120_000;
  const perFile = options.maxLettersPerFile ?? MAX_LETTERS_PER_FILE;
  const recovery = await finaliseOpenBatches();
  const batchId = randomId();
  const startedAt = now();
  const prefix = batchPrefix(startedAt, batchId);
  const manifest = new ManifestBuilder(batchId, startedAt.toISOString());
  let files = 0;
  let stoppedEarly = false;
  await openBatch(batchId, prefix, startedAt);
  const nextLetters = (from: IndexCursor) => {
    if (options.remainingMs() < reserveMs) {
      stoppedEarly = true;
      return undefined;
    }
    const read = pendingLetters(perFile, from);
    read.catch(() => undefined); // awaited in the loop; a failure while the previous file is at work is not lost
    return read;
  };
  // Database and CPU side by side: while a file renders, the next file's letters are read and the previous
  // file's letters are marked. Marking stays after its file's commit point, one file at a time.
  let next = nextLetters(undefined);
  let marking: Promise<unknown> = Promise.resolve();
  try {
    while (next) {
      const { letters, cursor } = await next;
      if (letters.length === 0) break;
      next = nextLetters(cursor);
      const part = await printFile(letterFileKey(prefix, files + 1), letters);
      await recordFile(batchId, part);
      await marking;
      marking = markPrinted(batchId, part, letters).then((printed) =>
        manifest.addFile(asPrinted(part, printed)),
      );
      marking.catch(() => undefined); // awaited before the next mark and at the end
      files++;
      if (!(await takeLease(runId, true))) throw new Error("letter-batch lease lost");
    }
    await marking;
  } catch (error) {
    // Nothing of this run keeps reading or writing once it has failed.
    await Promise.all([next?.catch(() => undefined), marking.catch(() => undefined)]);
    throw error;
  }
  if (files === 0) {
    await dynamodb.send(new DeleteCommand({ TableName: table(), Key: batchKey(batchId) }));
    return { letters: 0, files: 0, ...recovery, stoppedEarly };
  }
  await writeBatchManifest(batchId, prefix, manifest);
  return {
    batchId,
    prefix,
    letters: manifest.letterCount,
    files,
    ...recovery,
    stoppedEarly,
  };
}

async function openBatch(batchId: string, prefix: string, startedAt: Date): Promise<void> {
  await dynamodb.send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...batchKey(batchId),
        kind: "letter-batch",
        batchId,
        prefix,
        startedAt: startedAt.toISOString(),
        status: "open",
        files: {},
        gsi1pk: OPEN_BATCHES_PK,
        gsi1sk: `${startedAt.toISOString()}#${batchId}`,
      },
    }),
  );
}

async function queryIndex<T>(partition: string, limit?: number): Promise<T[]> {
  const { indexName } = tableDefinition.globalSecondaryIndexes.pendingLetters;
  const out: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: table(),
        IndexName: indexName,
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        ExclusiveStartKey,
        Limit: limit === undefined ? undefined : limit - out.length,
      }),
    );
    ExclusiveStartKey = page.LastEvaluatedKey;
    out.push(...((page.Items ?? []) as T[]));
  } while (ExclusiveStartKey && (limit === undefined || out.length < limit));
  return out;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where this run's reading of the pending-letters index has got to: the index key of the last entry read. */
type IndexCursor = Record<string, unknown> | undefined;

/**
 * Up to `wanted` letters that are pending now, reading the index onwards from `from`: each entry the index
 * gives is confirmed by a consistent read, and entries of letters no longer pending (the index lags) are
 * passed over. The run never reads an entry twice, so the entries of letters it printed itself are never
 * even met again.
 */
async function pendingLetters(
  wanted: number,
  from: IndexCursor,
): Promise<{ letters: LetterItem[]; cursor: IndexCursor }> {
  const { indexName } = tableDefinition.globalSecondaryIndexes.pendingLetters;
  const letters: LetterItem[] = [];
  const taken = new Set<string>();
  let cursor = from;
  let exhausted = false;
  while (letters.length < wanted && !exhausted) {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: table(),
        IndexName: indexName,
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": PENDING_LETTERS_PK },
        // Only what names a candidate and resumes the reading: the letter itself, part B included, comes from
        // the consistent read below, never from the lagging index.
        ProjectionExpression: "pk, sk, letterId, gsi1pk, gsi1sk",
        ExclusiveStartKey: cursor,
        Limit: wanted - letters.length,
      }),
    );
    const entries = (page.Items ?? []) as Array<Record<string, unknown> & { letterId: string }>;
    const last = entries.at(-1);
    if (last) cursor = { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk };
    exhausted = page.LastEvaluatedKey === undefined;
    const current = new Map((await readLetters(entries.map((e) => e.letterId))).map((l) => [l.letterId, l]));
    for (const id of new Set(entries.map((e) => e.letterId))) {
      const letter = current.get(id);
      if (letter?.status === "pending" && letter.partBCiphertext && !taken.has(id)) {
        taken.add(id);
        letters.push(letter);
      }
    }
  }
  return { letters, cursor };
}

/** The letters as stored now (consistent reads, 100 keys a request); missing ones are left out. */
async function readLetters(letterIds: string[]): Promise<LetterItem[]> {
  const unique = [...new Set(letterIds)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const out: LetterItem[] = [];
  await inParallel(chunks, 4, async (chunk) => {
    let request: Record<string, unknown> | undefined = {
      [table()]: { Keys: chunk.map(letterKey), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 10) throw new Error("DynamoDB kept keys unprocessed");
      if (attempt > 0) await pause(50 * 2 ** attempt);
      const result = await dynamodb.send(new BatchGetCommand({ RequestItems: request as never }));
      out.push(...((result.Responses?.[table()] ?? []) as LetterItem[]));
      request = result.UnprocessedKeys as Record<string, unknown> | undefined;
    }
  });
  return out;
}

type UpdateInput = NonNullable<ConstructorParameters<typeof UpdateCommand>[0]>;

/**
 * Applies conditional updates to distinct items, up to 100 per transaction; returns which ones passed their
 * condition. A transaction cancelled by failed conditions is retried without those items; one cancelled by
 * a conflict or throttling is retried after a pause. The SDK's own retries (a timeout) resend the same
 * ClientRequestToken, so a transaction that went through answers success again rather than failed conditions.
 */
async function conditionalUpdates(updates: UpdateInput[]): Promise<boolean[]> {
  const passed = updates.map(() => false);
  const chunks: number[][] = [];
  for (let i = 0; i < updates.length; i += 100) {
    chunks.push(updates.slice(i, i + 100).map((_, k) => i + k));
  }
  await inParallel(chunks, 2, async (chunk) => {
    let remaining = chunk;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      if (attempt > 10) throw new Error("letter updates kept being cancelled");
      try {
        await dynamodb.send(
          new TransactWriteCommand({
            TransactItems: remaining.map((i) => ({ Update: updates[i] as never })),
          }),
        );
        for (const i of remaining) passed[i] = true;
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const failed = new Set(remaining.filter((_, k) => reasons[k]?.Code === "ConditionalCheckFailed"));
        if (failed.size === 0) await pause(25 * 2 ** attempt);
        remaining = remaining.filter((i) => !failed.has(i));
      }
    }
  });
  return passed;
}

async function printFile(fileKey: string, letters: LetterItem[]): Promise<FilePart> {
  const toPrint: LetterToPrint[] = await Promise.all(
    letters.map(async (l) => ({
      letterId: l.letterId,
      reference: l.reference,
      recipient: l.recipient,
      address: l.address,
      partB: await decryptPartB(l.partBCiphertext!, l.letterId),
      validUntil: l.validUntil,
      issuedAt: l.issuedAt,
    })),
  );
  const { pdf, pages } = await renderLetterFile(toPrint);
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  await s3.send(
    new PutObjectCommand({ Bucket: bucket(), Key: fileKey, Body: pdf, ContentType: "application/pdf" }),
  );
  const part: FilePart = {
    key: fileKey,
    sha256,
    pages,
    letters: letters.map((l) => ({
      letterId: l.letterId,
      reference: l.reference,
      recipient: l.recipient,
      address: l.address,
      validUntil: l.validUntil,
      issuedAt: l.issuedAt,
      codiceFiscale: l.codiceFiscale,
    })),
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: partKeyOf(fileKey),
      Body: JSON.stringify(part),
      ContentType: "application/json",
    }),
  );
  return part;
}

/** The commit point of a file: from here on its letters are printed in it, whatever happens next. */
async function recordFile(batchId: string, part: FilePart): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName: table(),
      Key: batchKey(batchId),
      UpdateExpression: "SET files.#file = :entry",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: { "#file": part.key },
      ExpressionAttributeValues: {
        ":entry": { key: part.key, sha256: part.sha256, count: part.pages.length },
      },
    }),
  );
}

/** Writes items 25 at a time, retrying what DynamoDB leaves unprocessed. */
async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await inParallel(chunks, 8, async (chunk) => {
    let pending: unknown[] = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error("DynamoDB kept items unprocessed");
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const result = await dynamodb.send(
        new BatchWriteCommand({ RequestItems: { [table()]: pending as never } }),
      );
      pending = result.UnprocessedItems?.[table()] ?? [];
    }
  });
}

/**
 * Marks a committed file's letters printed: out of the pending index, part B erased, file and page noted; and
 * one audit record per holder. Each mark is conditional on the letter still being pending, so a letter
 * cancelled meanwhile stays cancelled (and is audited as withdrawn from the file) and none is marked twice.
 * Returns the ids of the letters marked.
 */
async function markPrinted(batchId: string, part: FilePart, letters: LetterItem[]): Promise<Set<string>> {
  const pageOf = new Map(part.pages.map((p) => [p.letterId, p.page]));
  const printedAt = now().toISOString();
  const passed = await conditionalUpdates(
    letters.map((letter) => ({
      TableName: table(),
      Key: letterKey(letter.letterId),
      UpdateExpression:
        "SET #status = :printed, batchId = :batch, fileKey = :file, page = :page, printedAt = :at " +
        "REMOVE partBCiphertext, gsi1pk, gsi1sk",
      ConditionExpression: "#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":printed": "printed",
        ":pending": "pending",
        ":batch": batchId,
        ":file": part.key,
        ":page": pageOf.get(letter.letterId) ?? 0,
        ":at": printedAt,
      },
    })),
  );
  const audit = (l: LetterItem, printed: boolean) => ({
    pk: auditKeys.pk(l.codiceFiscale),
    sk: `${auditKeys.skPrefix}${printedAt}#${randomId()}`,
    kind: "audit-event",
    at: printedAt,
    codiceFiscale: l.codiceFiscale,
    type: printed ? "letter-printed" : "letter-withdrawn",
    channel: "post",
    actor: "job:letter-batch",
    outcome: "success",
    details: { letterId: l.letterId, batchId, file: part.key, page: pageOf.get(l.letterId) ?? 0 },
  });
  const withdrawn = letters.filter((_, i) => !passed[i]);
  if (withdrawn.length > 0) {
    logger.warn("letters no longer pending withdrawn from a committed file", {
      batchId,
      file: part.key,
      letters: withdrawn.length,
    });
  }
  await batchPut(letters.map((l, i) => audit(l, passed[i]!)));
  return new Set(letters.filter((_, i) => passed[i]).map((l) => l.letterId));
}

/**
 * The manifest entry of a committed file: only its letters marked printed there are to be mailed; any other
 * page (a letter cancelled between its read and its mark) is listed as withdrawn.
 */
function asPrinted(part: FilePart, printed: Set<string>): ManifestFile {
  return {
    key: part.key,
    sha256: part.sha256,
    letters: part.letters.filter((l) => printed.has(l.letterId)),
    pages: part.pages.filter((p) => printed.has(p.letterId)),
    withdrawnPages: part.pages.filter((p) => !printed.has(p.letterId)).map((p) => p.page),
  };
}

async function readPart(fileKey: string): Promise<FilePart | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: partKeyOf(fileKey) }));
    return JSON.parse(await object.Body!.transformToString()) as FilePart;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
    throw error;
  }
}

/**
 * Finishes a committed file whose run died before marking it all: marks its letters still pending, and
 * returns the ids of its letters printed there (the others were cancelled meanwhile: withdrawn).
 */
async function finishFile(
  batchId: string,
  part: FilePart,
): Promise<{ printed: Set<string>; marked: number }> {
  const letters = await readLetters(part.letters.map((l) => l.letterId));
  const printed = new Set(
    letters.filter((l) => l.status === "printed" && l.fileKey === part.key).map((l) => l.letterId),
  );
  const pending = letters.filter((l) => l.status === "pending");
  const marked = pending.length > 0 ? await markPrinted(batchId, part, pending) : new Set<string>();
  for (const id of marked) printed.add(id);
  return { printed, marked: marked.size };
}

/** Batches a crashed run left open: mark their committed letters, then write their manifest and summary. */
async function finaliseOpenBatches(): Promise<{ recoveredLetters: number; finalisedBatches: number }> {
  const open = await queryIndex<{
    batchId: string;
    prefix: string;
    startedAt: string;
    files: Record<string, unknown>;
  }>(OPEN_BATCHES_PK);
  let recoveredLetters = 0;
  for (const batch of open) {
    const parts = (await Promise.all(Object.keys(batch.files ?? {}).map(readPart))).filter(
      (p): p is FilePart => p !== undefined,
    );
    const manifest = new ManifestBuilder(batch.batchId, batch.startedAt);
    for (const part of parts.sort((a, b) => a.key.localeCompare(b.key))) {
      const { printed, marked } = await finishFile(batch.batchId, part);
      manifest.addFile(asPrinted(part, printed));
      recoveredLetters += marked;
    }
    if (parts.length === 0) {
      await dynamodb.send(new DeleteCommand({ TableName: table(), Key: batchKey(batch.batchId) }));
    } else {
      await writeBatchManifest(batch.batchId, batch.prefix, manifest);
    }
    logger.info("finalised open batch", { batchId: batch.batchId, files: parts.length });
  }
  return { recoveredLetters, finalisedBatches: open.length };
}

async function writeBatchManifest(batchId: string, prefix: string, builder: ManifestBuilder): Promise<void> {
  const manifest = builder.build();
  const keys = manifestKeys(prefix);
  const put = (Key: string, Body: string, ContentType: string) =>
    s3.send(new PutObjectCommand({ Bucket: bucket(), Key, Body, ContentType }));
  await put(keys.json, manifest.json, "application/json");
  await put(keys.csv, manifest.csv, "text/csv; charset=utf-8");
  // The summary is written last: a batch is complete for the print house once its summary exists.
  await put(keys.summary, JSON.stringify(manifest.summary, null, 2), "application/json");
  await dynamodb.send(
    new UpdateCommand({
      TableName: table(),
      Key: batchKey(batchId),
      UpdateExpression: "SET #status = :closed, closedAt = :at REMOVE gsi1pk, gsi1sk",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":closed": "closed", ":at": now().toISOString() },
    }),
  );
}
