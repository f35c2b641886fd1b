import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { auditKeys } from "../audit/audit.store.ts";
import { dynamodb, s3 } from "../clients.ts";
import { now, nowMs } from "../clock.ts";
import { required } from "../config.ts";
import { decryptPartB } from "../crypto/part-b.ts";
import { logger } from "../logger.ts";
import { randomId } from "../random.ts";
import { tableDefinition } from "../table.ts";
import { batchPrefix, letterFileKey, manifestKeys } from "./batch-keys.ts";
import type { LetterToPrint } from "./letter.schema.ts";
import { type LetterItem, letterKey, PENDING_LETTERS_PK } from "./letter.store.ts";
import { renderLetterFile } from "./letter-pdf.ts";
import { buildManifest } from "./manifest.ts";

export const MAX_LETTERS_PER_FILE = 2000;
/** A claim outlives the job's 15-minute timeout, so a live run never loses its letters to another. */
export const CLAIM_LEASE_MS = 20 * 60_000;
const OPEN_BATCHES_PK = "BATCH#OPEN";
const WRITE_CONCURRENCY = 24;

export interface LetterBatchSummary {
  batchId?: string;
  prefix?: string;
  letters: number;
  files: number;
  recoveredLetters: number;
  finalisedBatches: number;
  stoppedEarly: boolean;
}

/** One committed file: its part manifest (`letters-NNNN.json`) is the commit record. */
interface FilePart {
  key: string;
  sha256: string;
  pages: { letterId: string; page: number }[];
  letters: Array<Omit<LetterToPrint, "partB">>;
}

export interface RunOptions {
  /** Milliseconds the invocation has left (Lambda context); the run stops cleanly below `reserveMs`. */
  remainingMs: () => number;
  reserveMs?: number;
  maxLettersPerFile?: number;
}

/**
 * Primary course (F2): finish what a crashed run left, then claim pending letters (found through the sparse
 * pending-letters index, never a Scan) a file at a time: render, store the PDF, store the file's part
 * manifest (the commit point), then mark its letters printed and erase their part B. At the end write the
 * batch manifest (JSON, CSV) and summary. Claims are conditional writes with a lease, so parallel runs share
 * letters without overlap, and a letter whose file was committed is never rendered again.
 */
export async function runLetterBatch(options: RunOptions): Promise<LetterBatchSummary> {
  const reserveMs = options.reserveMs ?? 120_000;
  const perFile = options.maxLettersPerFile ?? MAX_LETTERS_PER_FILE;
  const recoveredLetters = await recoverCommittedClaims();
  const finalisedBatches = await finaliseStaleBatches();
  const batchId = randomId();
  const startedAt = now();
  const prefix = batchPrefix(startedAt, batchId);
  const parts: FilePart[] = [];
  let stoppedEarly = false;
  await openBatch(batchId, prefix, startedAt);
  let fruitless = 0;
  while (fruitless < 3) {
    if (options.remainingMs() < reserveMs) {
      stoppedEarly = true;
      break;
    }
    const candidates = await findClaimable(perFile);
    if (candidates.length === 0) break;
    const fileKey = letterFileKey(prefix, parts.length + 1);
    const claimed = await claimLetters(candidates, batchId, fileKey);
    // Everything we saw was taken by a parallel run: look again, but not forever.
    fruitless = claimed.length === 0 ? fruitless + 1 : 0;
    if (claimed.length === 0) continue;
    parts.push(await printFile(batchId, fileKey, claimed));
  }
  if (parts.length === 0) {
    await dynamodb.send(new DeleteCommand({ TableName: table(), Key: batchKey(batchId) }));
    return { letters: 0, files: 0, recoveredLetters, finalisedBatches, stoppedEarly };
  }
  await writeBatchManifest(batchId, prefix, startedAt.toISOString(), parts);
  return {
    batchId,
    prefix,
    letters: parts.reduce((n, p) => n + p.pages.length, 0),
    files: parts.length,
    recoveredLetters,
    finalisedBatches,
    stoppedEarly,
  };
}

const table = () => required("TABLE_NAME");
const bucket = () => required("LETTERS_BUCKET");
const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: "BATCH" });
const partKeyOf = (fileKey: string) => fileKey.replace(/\.pdf$/, ".json");

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
        leaseUntil: nowMs() + CLAIM_LEASE_MS,
        gsi1pk: OPEN_BATCHES_PK,
        gsi1sk: `${startedAt.toISOString()}#${batchId}`,
      },
    }),
  );
}

/** Every item of a sparse-index partition, page by page. */
async function queryIndex<T>(partition: string, limit?: number, filter?: (item: T) => boolean): Promise<T[]> {
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
      }),
    );
    ExclusiveStartKey = page.LastEvaluatedKey;
    for (const item of (page.Items ?? []) as T[]) {
      if (!filter || filter(item)) out.push(item);
      if (limit !== undefined && out.length >= limit) return out;
    }
  } while (ExclusiveStartKey);
  return out;
}

function findClaimable(limit: number): Promise<LetterItem[]> {
  const at = nowMs();
  return queryIndex<LetterItem>(
    PENDING_LETTERS_PK,
    limit,
    (l) => l.status === "pending" || (l.status === "claimed" && (l.leaseUntil ?? 0) < at),
  );
}

async function mapLimited<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
  return results;
}

async function claimLetters(
  candidates: LetterItem[],
  batchId: string,
  fileKey: string,
): Promise<LetterItem[]> {
  const at = nowMs();
  const won = await mapLimited(candidates, async (letter) => {
    try {
      await dynamodb.send(
        new UpdateCommand({
          TableName: table(),
          Key: letterKey(letter.letterId),
          UpdateExpression:
            "SET #status = :claimed, batchId = :batchId, fileKey = :fileKey, leaseUntil = :lease",
          ConditionExpression: "#status = :pending OR (#status = :claimed AND leaseUntil < :now)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":claimed": "claimed",
            ":pending": "pending",
            ":batchId": batchId,
            ":fileKey": fileKey,
            ":lease": at + CLAIM_LEASE_MS,
            ":now": at,
          },
        }),
      );
      return letter;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  });
  return won.filter((l): l is LetterItem => l !== undefined);
}

async function printFile(batchId: string, fileKey: string, letters: LetterItem[]): Promise<FilePart> {
  const toPrint: LetterToPrint[] = await mapLimited(letters, async (l) => ({
    letterId: l.letterId,
    reference: l.reference,
    recipient: l.recipient,
    address: l.address,
    partB: await decryptPartB(l.partBCiphertext!, l.letterId),
    validUntil: l.validUntil,
    issuedAt: l.issuedAt,
  }));
  const { pdf, pages } = await renderLetterFile(toPrint);
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  await s3.send(
    new PutObjectCommand({ Bucket: bucket(), Key: fileKey, Body: pdf, ContentType: "application/pdf" }),
  );
  const part: FilePart = {
    key: fileKey,
    sha256,
    pages,
    letters: toPrint.map(({ partB: _secret, ...rest }) => rest),
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: partKeyOf(fileKey),
      Body: JSON.stringify(part),
      ContentType: "application/json",
    }),
  );
  await commitFile(batchId, part, letters);
  return part;
}

/** After the part manifest is stored: record the file on its batch, mark its letters printed, audit. */
async function commitFile(
  batchId: string,
  part: FilePart,
  letters: Array<Pick<LetterItem, "letterId" | "codiceFiscale">>,
): Promise<void> {
  await dynamodb
    .send(
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
    )
    .catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  const pageOf = new Map(part.pages.map((p) => [p.letterId, p.page]));
  const printedAt = now().toISOString();
  const marked = await mapLimited(letters, async (letter) => {
    try {
      await dynamodb.send(
        new UpdateCommand({
          TableName: table(),
          Key: letterKey(letter.letterId),
          UpdateExpression:
            "SET #status = :printed, page = :page, printedAt = :at REMOVE partBCiphertext, gsi1pk, gsi1sk, leaseUntil",
          ConditionExpression: "#status = :claimed AND batchId = :batchId",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":printed": "printed",
            ":claimed": "claimed",
            ":batchId": batchId,
            ":page": pageOf.get(letter.letterId) ?? 0,
            ":at": printedAt,
          },
        }),
      );
      return letter;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  });
  await auditPrinted(
    marked.filter((l): l is Pick<LetterItem, "letterId" | "codiceFiscale"> => l !== undefined),
    batchId,
    part.key,
    printedAt,
  );
}

async function auditPrinted(
  letters: Array<Pick<LetterItem, "letterId" | "codiceFiscale">>,
  batchId: string,
  fileKey: string,
  at: string,
): Promise<void> {
  const records = letters.map((l) => ({
    PutRequest: {
      Item: {
        pk: auditKeys.pk(l.codiceFiscale),
        sk: `${auditKeys.skPrefix}${at}#${randomId()}`,
        kind: "audit-event",
        at,
        codiceFiscale: l.codiceFiscale,
        type: "letter-printed",
        channel: "post",
        actor: "job:letter-batch",
        outcome: "success",
        details: { letterId: l.letterId, batchId, file: fileKey },
      },
    },
  }));
  const chunks: (typeof records)[] = [];
  for (let i = 0; i < records.length; i += 25) chunks.push(records.slice(i, i + 25));
  await mapLimited(chunks, async (chunk) => {
    let pending: Record<string, unknown>[] | undefined = chunk;
    for (let attempt = 0; pending?.length && attempt < 8; attempt++) {
      const result = await dynamodb.send(
        new BatchWriteCommand({ RequestItems: { [table()]: pending as never } }),
      );
      pending = result.UnprocessedItems?.[table()] as Record<string, unknown>[] | undefined;
    }
  });
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
 * Letters whose claim lapsed (their run crashed or timed out): if their file was committed, finish the
 * commit instead of printing them again; otherwise they simply become claimable.
 */
async function recoverCommittedClaims(): Promise<number> {
  const at = nowMs();
  const lapsed = await queryIndex<LetterItem>(
    PENDING_LETTERS_PK,
    undefined,
    (l) => l.status === "claimed" && (l.leaseUntil ?? 0) < at,
  );
  const byFile = new Map<string, LetterItem[]>();
  for (const letter of lapsed) {
    const key = `${letter.batchId}|${letter.fileKey}`;
    byFile.set(key, [...(byFile.get(key) ?? []), letter]);
  }
  let recovered = 0;
  for (const [key, letters] of byFile) {
    const [batchId = "", fileKey = ""] = key.split("|");
    const part = await readPart(fileKey);
    if (!part) continue;
    const inFile = new Set(part.pages.map((p) => p.letterId));
    const members = letters.filter((l) => inFile.has(l.letterId));
    await commitFile(batchId, part, members);
    recovered += members.length;
    logger.info("recovered committed letters", { batchId, fileKey, letters: members.length });
  }
  return recovered;
}

/** Batches whose run died before writing the manifest: write it from their committed files. */
async function finaliseStaleBatches(): Promise<number> {
  const at = nowMs();
  const stale = await queryIndex<{
    batchId: string;
    prefix: string;
    startedAt: string;
    leaseUntil: number;
    files: Record<string, unknown>;
  }>(OPEN_BATCHES_PK, undefined, (b) => b.leaseUntil < at);
  for (const batch of stale) {
    const parts = (await Promise.all(Object.keys(batch.files ?? {}).map(readPart))).filter(
      (p): p is FilePart => p !== undefined,
    );
    if (parts.length === 0) {
      await dynamodb.send(new DeleteCommand({ TableName: table(), Key: batchKey(batch.batchId) }));
      continue;
    }
    await writeBatchManifest(batch.batchId, batch.prefix, batch.startedAt, parts);
  }
  return stale.length;
}

async function writeBatchManifest(
  batchId: string,
  prefix: string,
  createdAt: string,
  parts: FilePart[],
): Promise<void> {
  parts.sort((a, b) => a.key.localeCompare(b.key));
  const manifest = buildManifest({
    batchId,
    createdAt,
    files: parts.map((p) => ({ key: p.key, sha256: p.sha256, letters: p.letters, pages: p.pages })),
  });
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
