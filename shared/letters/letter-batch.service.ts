import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { auditKeys } from "../audit/audit.store.ts";
import { decryptPartB } from "../crypto/part-b.ts";
import { dynamodb, s3 } from "../platform/clients.ts";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { logger } from "../platform/logger.ts";
import { randomId } from "../platform/random.ts";
import { tableDefinition } from "../table.ts";
import { batchPrefix, letterFileKey, manifestKeys } from "./batch-keys.ts";
import type { LetterToPrint } from "./letter.schema.ts";
import { type LetterItem, letterKey, PENDING_LETTERS_PK } from "./letter.store.ts";
import { renderLetterFile } from "./letter-pdf.ts";
import { ManifestBuilder } from "./manifest.ts";

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
 * batch a crashed run left open, then a file at a time: read up to 2,000 pending letters through the sparse
 * index (never a Scan), render them, store the PDF and its part manifest, record the file on the batch (the
 * commit point), and mark the letters printed with part B erased. Finally the batch manifest (JSON, CSV) and
 * the summary, last. The print house prints only the files a summary lists, so a file stored by a run that
 * died before its commit point is never printed, and its letters, still pending, go into the next batch.
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
  while (true) {
    if (options.remainingMs() < reserveMs) {
      stoppedEarly = true;
      break;
    }
    const letters = await pendingLetters(perFile);
    if (letters.length === 0) break;
    const part = await printFile(letterFileKey(prefix, files + 1), letters);
    await recordFile(batchId, part);
    await markPrinted(batchId, part, letters);
    manifest.addFile(part);
    files++;
    if (!(await takeLease(runId, true))) throw new Error("letter-batch lease lost");
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

const pendingLetters = (limit: number) => queryIndex<LetterItem>(PENDING_LETTERS_PK, limit);

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
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
 * Marks a committed file's letters printed: out of the pending index, part B erased, file and page noted;
 * and one audit record per holder. The lease makes this run the only writer of pending letters.
 */
async function markPrinted(batchId: string, part: FilePart, letters: LetterItem[]): Promise<void> {
  const pageOf = new Map(part.pages.map((p) => [p.letterId, p.page]));
  const printedAt = now().toISOString();
  const printed = letters.map((letter) => {
    const { partBCiphertext: _erased, ...rest } = letter as LetterItem & Record<string, unknown>;
    delete rest.gsi1pk;
    delete rest.gsi1sk;
    return {
      ...rest,
      ...letterKey(letter.letterId),
      status: "printed",
      batchId,
      fileKey: part.key,
      page: pageOf.get(letter.letterId) ?? 0,
      printedAt,
    };
  });
  await batchPut(printed);
  await batchPut(
    letters.map((l) => ({
      pk: auditKeys.pk(l.codiceFiscale),
      sk: `${auditKeys.skPrefix}${printedAt}#${randomId()}`,
      kind: "audit-event",
      at: printedAt,
      codiceFiscale: l.codiceFiscale,
      type: "letter-printed",
      channel: "post",
      actor: "job:letter-batch",
      outcome: "success",
      details: { letterId: l.letterId, batchId, file: part.key },
    })),
  );
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

/** Letters of a committed file that are still pending (their run died before marking them). */
async function stillPending(part: FilePart): Promise<LetterItem[]> {
  const out: LetterItem[] = [];
  for (let i = 0; i < part.letters.length; i += 100) {
    const keys = part.letters.slice(i, i + 100).map((l) => letterKey(l.letterId));
    let request: Record<string, unknown> | undefined = { [table()]: { Keys: keys, ConsistentRead: true } };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamodb.send(new BatchGetCommand({ RequestItems: request as never }));
      out.push(
        ...((result.Responses?.[table()] ?? []) as LetterItem[]).filter((l) => l.status === "pending"),
      );
      request = result.UnprocessedKeys as Record<string, unknown> | undefined;
    }
  }
  return out;
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
    for (const part of parts) {
      const pending = await stillPending(part);
      if (pending.length > 0) await markPrinted(batch.batchId, part, pending);
      recoveredLetters += pending.length;
    }
    if (parts.length === 0) {
      await dynamodb.send(new DeleteCommand({ TableName: table(), Key: batchKey(batch.batchId) }));
    } else {
      const manifest = new ManifestBuilder(batch.batchId, batch.startedAt);
      for (const part of parts.sort((a, b) => a.key.localeCompare(b.key))) manifest.addFile(part);
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
