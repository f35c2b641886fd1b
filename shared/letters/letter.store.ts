import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Residence } from "../credentials/credential.model.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { chunked, inParallel, pause } from "../platform/in-parallel.ts";
import { newItemPut, type TransactItem, TransactionCancelled, transact } from "../platform/transact.ts";
import { tableDefinition } from "../table.ts";

/**
 * A postal letter carrying part B: pk `LETTER#<letterId>`, sk `LETTER`.
 * `held`: written with its credential, waiting for part A to be delivered; `pending`: in the sparse
 * pending-letters index; `printed`: in a committed file, part B erased; `cancelled`: its PIN was revoked
 * before the letter was printed, part B erased.
 */
export interface LetterItem {
  letterId: string;
  reference: string;
  codiceFiscale: string;
  credentialId: string;
  recipient: { surname: string; givenName: string };
  address: Residence;
  status: "held" | "pending" | "printed" | "cancelled";
  partBCiphertext?: string;
  validUntil: string;
  issuedAt: string;
  queuedAt?: string;
  /** Where it was printed. */
  batchId?: string;
  fileKey?: string;
  page?: number;
  printedAt?: string;
}

export const letterKey = (letterId: string) => ({ pk: `LETTER#${letterId}`, sk: "LETTER" });
export const PENDING_LETTERS_PK = "LETTER#PENDING";

/** Human reference printed on the letter and in the manifest. */
export function letterReference(letterId: string, issuedAt: string): string {
  return `PIN-${issuedAt.slice(0, 4)}-${letterId.replace(/-/g, "").slice(0, 10).toUpperCase()}`;
}

export function pendingIndexAttributes(letterId: string, queuedAt: string) {
  return { gsi1pk: PENDING_LETTERS_PK, gsi1sk: `${queuedAt}#${letterId}` };
}

/** Cancels a letter not yet printed, erasing its part B; a printed or missing letter is left as it is. */
export async function cancelUnprintedLetter(letterId: string): Promise<void> {
  await dynamodb
    .send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: letterKey(letterId),
        UpdateExpression: "SET #status = :cancelled REMOVE partBCiphertext, gsi1pk, gsi1sk",
        ConditionExpression: "#status IN (:held, :pending)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":cancelled": "cancelled", ":held": "held", ":pending": "pending" },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}

/** The Put of a new letter (`held`, with its credential, until part A has left). */
export function letterPut(letter: LetterItem): TransactItem {
  return newItemPut(letterKey(letter.letterId), "letter", letter);
}

/** A held letter becomes `pending`: it enters the pending-letters index, in the order it was queued. */
export function letterQueue(letterId: string, queuedAt: string): TransactItem {
  return {
    Update: {
      TableName: required("TABLE_NAME"),
      Key: letterKey(letterId),
      UpdateExpression: "SET #status = :pending, queuedAt = :queuedAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk",
      ConditionExpression: "#status = :held",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":pending": "pending",
        ":held": "held",
        ":queuedAt": queuedAt,
        ...prefixKeys(pendingIndexAttributes(letterId, queuedAt)),
      },
    },
  };
}

function prefixKeys(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`:${k}`, v]));
}

export function letterDelete(letterId: string): TransactItem {
  return { Delete: { TableName: required("TABLE_NAME"), Key: letterKey(letterId) } };
}

/** Where a reading of the pending-letters index has got to: the index key of the last entry read. */
export type IndexCursor = Record<string, unknown> | undefined;

/**
 * Up to `wanted` letters that are pending now, reading the index onwards from `from`: each entry the index
 * gives is confirmed by a consistent read, and entries of letters no longer pending (the index lags) are
 * passed over. The run never reads an entry twice, so the entries of letters it printed itself are never
 * even met again.
 */
export async function pendingLetters(
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
        TableName: required("TABLE_NAME"),
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
export async function readLetters(letterIds: string[]): Promise<LetterItem[]> {
  const table = required("TABLE_NAME");
  const out: LetterItem[] = [];
  await inParallel(chunked([...new Set(letterIds)], 100), 4, async (chunk) => {
    let request: Record<string, unknown> | undefined = {
      [table]: { Keys: chunk.map(letterKey), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 10) throw new Error("DynamoDB kept keys unprocessed");
      if (attempt > 0) await pause(50 * 2 ** attempt);
      const result = await dynamodb.send(new BatchGetCommand({ RequestItems: request as never }));
      out.push(...((result.Responses?.[table] ?? []) as LetterItem[]));
      request = result.UnprocessedKeys as Record<string, unknown> | undefined;
    }
  });
  return out;
}

/**
 * Marks letters printed in a file: out of the pending index, part B erased, file and page noted, each on
 * condition that it is still pending (a letter cancelled meanwhile stays cancelled, none is marked twice).
 * Returns which ones were marked, in the order given.
 */
export async function markLettersPrinted(
  letterIds: string[],
  print: { batchId: string; fileKey: string; pageOf: Map<string, number>; printedAt: string },
): Promise<boolean[]> {
  return conditionalUpdates(
    letterIds.map((letterId) => ({
      Update: {
        TableName: required("TABLE_NAME"),
        Key: letterKey(letterId),
        UpdateExpression:
          "SET #status = :printed, batchId = :batch, fileKey = :file, page = :page, printedAt = :at " +
          "REMOVE partBCiphertext, gsi1pk, gsi1sk",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":printed": "printed",
          ":pending": "pending",
          ":batch": print.batchId,
          ":file": print.fileKey,
          ":page": print.pageOf.get(letterId) ?? 0,
          ":at": print.printedAt,
        },
      },
    })),
  );
}

/**
 * Applies conditional updates to distinct items, up to 100 per transaction; returns which ones passed their
 * condition. A transaction cancelled by failed conditions is retried without those items; one cancelled by
 * a conflict or throttling is retried after a pause. The SDK's own retries (a timeout) resend the same
 * ClientRequestToken, so a transaction that went through answers success again rather than failed conditions.
 */
async function conditionalUpdates(updates: TransactItem[]): Promise<boolean[]> {
  const passed = updates.map(() => false);
  const chunks = chunked(
    updates.map((_, i) => i),
    100,
  );
  await inParallel(chunks, 2, async (chunk) => {
    let remaining = chunk;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      if (attempt > 10) throw new Error("letter updates kept being cancelled");
      try {
        await transact(remaining.map((i) => updates[i]!));
        for (const i of remaining) passed[i] = true;
        return;
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
        const failed = new Set(remaining.filter((_, k) => error.failedAt(k)));
        if (failed.size === 0) await pause(25 * 2 ** attempt);
        remaining = remaining.filter((i) => !failed.has(i));
      }
    }
  });
  return passed;
}
