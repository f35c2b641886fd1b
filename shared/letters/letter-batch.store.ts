import { DeleteCommand, PutCommand, paginateQuery, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { conditionally } from "../platform/transact.ts";
import { tableDefinition } from "../table.ts";

/**
 * The letter batch's own items: the run lease (one run at a time) and the batch item, which records each
 * committed file and, while open, sits in the pending-letters index under its own partition so a later run
 * finds what a crashed run left open.
 */

/** The run lease outlives the job's 15-minute timeout and is renewed after every file. */
export const RUN_LEASE_MS = 20 * 60_000;
const OPEN_BATCHES_PK = "BATCH#OPEN";
const RUN_LOCK_KEY = { pk: "LETTER-BATCH#RUN", sk: "LOCK" };

const table = () => required("TABLE_NAME");
const batchKey = (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: "BATCH" });

export interface OpenBatch {
  batchId: string;
  prefix: string;
  startedAt: string;
  files: Record<string, unknown>;
}

/** Takes the run lease (free, or left expired by a crashed run), or renews this run's own; false when held. */
export async function takeLease(runId: string, renew = false): Promise<boolean> {
  const at = nowMs();
  return conditionally(
    new PutCommand({
      TableName: table(),
      Item: { ...RUN_LOCK_KEY, kind: "letter-batch-lease", runId, leaseUntil: at + RUN_LEASE_MS },
      ConditionExpression: renew ? "runId = :me" : "attribute_not_exists(pk) OR leaseUntil < :now",
      ExpressionAttributeValues: renew ? { ":me": runId } : { ":now": at },
    }),
  );
}

/** Releases the lease if this run still holds it. */
export async function releaseLease(runId: string): Promise<void> {
  await conditionally(
    new DeleteCommand({
      TableName: table(),
      Key: RUN_LOCK_KEY,
      ConditionExpression: "runId = :me",
      ExpressionAttributeValues: { ":me": runId },
    }),
  );
}

export async function openBatch(batchId: string, prefix: string, startedAt: Date): Promise<void> {
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

/** The commit point of a file: from here on its letters are printed in it, whatever happens next. */
export async function recordFile(batchId: string, file: { key: string; sha256: string; count: number }) {
  await dynamodb.send(
    new UpdateCommand({
      TableName: table(),
      Key: batchKey(batchId),
      UpdateExpression: "SET files.#file = :entry",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: { "#file": file.key },
      ExpressionAttributeValues: { ":entry": file },
    }),
  );
}

/** Closes a batch whose manifest is written: out of the open batches. */
export async function closeBatch(batchId: string): Promise<void> {
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

/** Removes a batch that committed no file. */
export async function deleteBatch(batchId: string): Promise<void> {
  await dynamodb.send(new DeleteCommand({ TableName: table(), Key: batchKey(batchId) }));
}

/** The batches a crashed run left open. */
export async function openBatches(): Promise<OpenBatch[]> {
  const { indexName } = tableDefinition.globalSecondaryIndexes.pendingLetters;
  const out: OpenBatch[] = [];
  for await (const page of paginateQuery(
    { client: dynamodb },
    {
      TableName: table(),
      IndexName: indexName,
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": OPEN_BATCHES_PK },
    },
  )) {
    out.push(...((page.Items ?? []) as OpenBatch[]));
  }
  return out;
}
