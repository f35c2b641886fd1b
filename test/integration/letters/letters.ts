import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { encryptPartB } from "#shared/crypto/part-b";
import {
  cancelUnprintedLetter,
  type LetterItem,
  letterKey,
  letterReference,
  pendingIndexAttributes,
} from "#shared/letters/letter.store";
import { runLetterBatch } from "#shared/letters/letter-batch.service";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { randomId } from "#shared/platform/random";
import { s3 } from "#shared/platform/s3-client";

// Fixtures of the letter batch tests: letters queued as a PIN request would, and what the job left in the table and bucket.

export const TableName = () => process.env.TABLE_NAME!;
export const Bucket = () => process.env.LETTERS_BUCKET!;
export const forever = { remainingMs: () => 900_000 };

/** Queues `n` letters as a PIN request would, each with its own part B. */
export async function queueLetters(n: number): Promise<Map<string, string>> {
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

export async function letter(letterId: string): Promise<LetterItem> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName: TableName(), Key: letterKey(letterId) }));
  return Item as LetterItem;
}

export async function json<T>(key: string): Promise<T> {
  const object = await s3.send(new GetObjectCommand({ Bucket: Bucket(), Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as T;
}

/** The stored letter item as it is now, index attributes included. */
export async function rawLetter(letterId: string): Promise<Record<string, unknown>> {
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: TableName(), Key: letterKey(letterId), ConsistentRead: true }),
  );
  return Item!;
}

const byIndexKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.gsi1sk) < String(b.gsi1sk) ? -1 : String(a.gsi1sk) > String(b.gsi1sk) ? 1 : 0;

/**
 * Makes the pending-letters index lag behind the table, as a GSI may in AWS: every query of it also answers
 * the `stale` entries (letters as they were while pending), in index order, paged like the index pages.
 * Returns the function that puts the index right again.
 */
export function lagPendingIndex(stale: Array<Record<string, unknown>>): {
  caughtUp: () => void;
  /** Index entries the job was answered with that carried part B (the index's own answers). */
  partBsSeen: () => number;
} {
  const name = "test-lagging-pending-letters-index";
  let partBs = 0;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as QueryCommandInput;
      if (context.commandName !== "QueryCommand" || input.IndexName !== "pending-letters") return next(args);
      const result = await next(args);
      const output = result.output as QueryCommandOutput;
      const after = String(input.ExclusiveStartKey?.gsi1sk ?? "");
      const live = output.Items ?? [];
      partBs += live.filter((i) => i.partBCiphertext !== undefined).length;
      const shown = new Set(live.map((i) => i.pk));
      // The stale entries answer the query's projection as the index itself does.
      const projected = input.ProjectionExpression?.split(",").map((a) => a.trim());
      const asAnswered = (e: Record<string, unknown>) =>
        projected ? Object.fromEntries(projected.map((a) => [a, e[a]])) : e;
      const merged = [
        ...live,
        ...stale.filter((e) => !shown.has(e.pk) && String(e.gsi1sk) > after).map(asAnswered),
      ].sort(byIndexKey);
      const page = input.Limit === undefined ? merged : merged.slice(0, input.Limit);
      const last = page.at(-1);
      output.Items = page;
      output.Count = page.length;
      output.LastEvaluatedKey =
        last && (page.length < merged.length || output.LastEvaluatedKey)
          ? { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }
          : undefined;
      return result;
    },
    { step: "initialize", name },
  );
  return { caughtUp: () => dynamodb.middlewareStack.remove(name), partBsSeen: () => partBs };
}

/** Revokes (as F6 does: the letter is cancelled) `letterId` while the job uploads its first PDF. */
export function revokeWhileRendering(letterId: string): () => void {
  const name = "test-revoke-while-rendering";
  let done = false;
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? "";
      if (!done && context.commandName === "PutObjectCommand" && key.endsWith(".pdf")) {
        done = true;
        await cancelUnprintedLetter(letterId);
      }
      return next(args);
    },
    { step: "initialize", name },
  );
  return () => s3.middlewareStack.remove(name);
}

export async function auditTypesOf(letterId: string, codiceFiscale: string): Promise<string[]> {
  const { Items } = await dynamodb.send(
    new QueryCommand({
      TableName: TableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :events)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":events": "EVENT#" },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).filter((e) => e.details?.letterId === letterId).map((e) => e.type as string);
}

/** Every letter id listed in a committed batch (one with a summary), with how many times it is listed. */
export async function printedLetterIds(): Promise<Map<string, number>> {
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
export async function drain() {
  setClockOffsetSeconds(10 * 86_400);
  await runLetterBatch(forever);
  setClockOffsetSeconds(0);
}
