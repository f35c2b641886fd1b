import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type Shard,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from "@aws-sdk/client-dynamodb-streams";
import { type StreamConsumer, streamConsumers } from "#shared/functions";
import { invoke } from "./functions.ts";

/**
 * Reads DynamoDB Local's stream of the service table the way Lambda's event source mappings read the real one,
 * for every consumer of `streamConsumers` (shared/functions.ts): records in shard order, the consumer's filter
 * applied (what it rejects counts as processed), batches of at most `batchSize` in the Lambda event shape,
 * `batchItemFailures` honoured (the batch is retried from the first failed record), a function error bisects
 * the batch, and a batch still failing after `retryAttempts` retries is reported as dead-lettered and skipped.
 * Each consumer's position is checkpointed in a file, so a restart resumes after the last processed record:
 * what was committed while nothing read the stream is delivered when reading resumes.
 */

const POLL_MS = 250;
/** How often the shard list is read again (a shard closing makes it sooner). */
const SHARD_REFRESH_MS = 10_000;
const MAX_BACKOFF_MS = 2_000;

export interface StreamReaderOptions {
  dynamodb: DynamoDBClient;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tableName: string;
  /** Where the positions are kept between runs. */
  checkpointFile: string;
  log: (line: string) => void;
}

export interface StreamReaders {
  /** Stops reading (a stand-in for the mapping being disabled, or the poller dying); the position is kept. */
  pause(): Promise<void>;
  resume(): void;
  readonly running: boolean;
  /**
   * Resolves once every record written before the call has been handed to its consumers (delivered, or
   * dead-lettered after its retries): a test's way to know no notice is still on its way. False on timeout.
   */
  drained(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

interface Checkpoints {
  streamArn: string;
  /** consumer → shard → last processed sequence number */
  positions: Record<string, Record<string, string>>;
  /** consumer → shards read to their end */
  finished: Record<string, string[]>;
}

/** Lambda event filtering, for the patterns we use: nested objects, and arrays of exact values. */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((candidate) => candidate === value);
  if (pattern && typeof pattern === "object") {
    if (!value || typeof value !== "object") return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matchesFilter(inner, (value as Record<string, unknown>)[key]),
    );
  }
  return pattern === value;
}

/**
 * An attribute value as DynamoDB's JSON has it. The SDK reads an empty map (`{"M": {}}`) into `{}`, a value
 * with no type at all, which Lambda would never hand over; put the type back.
 */
function asWireValue(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return { M: {} };
  const [[type, inner]] = entries as [[string, unknown]];
  if (type === "M") return { M: asWireImage(inner as Record<string, unknown>) };
  if (type === "L") return { L: (inner as unknown[]).map(asWireValue) };
  return value;
}

function asWireImage(image: Record<string, unknown> | undefined) {
  return (
    image && Object.fromEntries(Object.entries(image).map(([name, value]) => [name, asWireValue(value)]))
  );
}

/** A stream record as Lambda hands it to a function (creation time in epoch seconds, the source ARN). */
export function toLambdaRecord(record: StreamRecord, streamArn: string, region: string) {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: "aws:dynamodb",
    awsRegion: region,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
      Keys: asWireImage(record.dynamodb?.Keys),
      NewImage: asWireImage(record.dynamodb?.NewImage),
      OldImage: asWireImage(record.dynamodb?.OldImage),
    },
    eventSourceARN: streamArn,
  };
}

export async function startStreamReaders(options: StreamReaderOptions): Promise<StreamReaders> {
  const { Table } = await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  });
  const checkpoints = loadCheckpoints(options.checkpointFile, streamArn);
  const save = () => writeFileSync(options.checkpointFile, `${JSON.stringify(checkpoints, null, 2)}\n`);

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // Open iterators and the shard list are kept between passes, as a poller does: a pass costs one GetRecords
  // per open shard, and the stream is described again only now and then, or when a shard closes.
  const iterators = new Map<string, string>();
  let shards: Shard[] = [];
  let listedAt = 0;

  async function poll(consumer: StreamConsumer): Promise<void> {
    const positions: Record<string, string> = checkpoints.positions[consumer.functionName] ?? {};
    const finished: string[] = checkpoints.finished[consumer.functionName] ?? [];
    checkpoints.positions[consumer.functionName] = positions;
    checkpoints.finished[consumer.functionName] = finished;
    if (Date.now() - listedAt > SHARD_REFRESH_MS) {
      shards = await listShards(streams, streamArn!);
      listedAt = Date.now();
      // Shards past the retention are gone from the stream: forget them.
      const listed = new Set(shards.map((s) => s.ShardId));
      for (const shardId of Object.keys(positions)) if (!listed.has(shardId)) delete positions[shardId];
      finished.splice(0, finished.length, ...finished.filter((shardId) => listed.has(shardId)));
    }
    for (const shard of shards) {
      const shardId = shard.ShardId!;
      if (finished.includes(shardId)) continue;
      // A child shard is read once its parent is done, as Lambda does: order per item is kept.
      if (shard.ParentShardId && shards.some((s) => s.ShardId === shard.ParentShardId)) {
        if (!finished.includes(shard.ParentShardId)) continue;
      }
      const key = `${consumer.functionName}/${shardId}`;
      let iterator =
        iterators.get(key) ?? (await shardIterator(streams, streamArn!, shardId, positions[shardId]));
      iterators.delete(key);
      while (running && iterator) {
        let page: GetRecordsCommandOutput;
        try {
          page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        } catch (error) {
          if (error instanceof ExpiredIteratorException) {
            iterator = await shardIterator(streams, streamArn!, shardId, positions[shardId]);
            continue;
          }
          throw error;
        }
        const records = page.Records ?? [];
        for (let i = 0; i < records.length && running; ) {
          const batch: StreamRecord[] = [];
          while (i < records.length && batch.length < consumer.batchSize) {
            const record = records[i++]!;
            if (matchesFilter(consumer.filter, toLambdaRecord(record, streamArn!, options.region)))
              batch.push(record);
            else positions[shardId] = record.dynamodb!.SequenceNumber!;
          }
          // Stopped meanwhile: the next start reads again from the checkpoint.
          if (batch.length > 0 && !(await deliverBatch(consumer, batch))) return;
          for (const record of batch) positions[shardId] = record.dynamodb!.SequenceNumber!;
        }
        if (records.length > 0) save();
        if (!running) return;
        if (!page.NextShardIterator) {
          finished.push(shardId);
          listedAt = 0;
          save();
          break;
        }
        iterator = page.NextShardIterator;
        if (records.length === 0) {
          iterators.set(key, iterator);
          break;
        }
      }
    }
  }

  /**
   * One batch through the consumer with Lambda's retry rules; false when reading stopped meanwhile (the batch
   * will be read again from the checkpoint).
   */
  async function deliverBatch(consumer: StreamConsumer, batch: StreamRecord[]): Promise<boolean> {
    let pending = batch;
    let attempt = 0;
    while (pending.length > 0) {
      if (!running) return false;
      const outcome = await invokeConsumer(consumer, pending);
      if (outcome.kind === "ok") return true;
      if (outcome.kind === "error" && pending.length > 1) {
        // Bisect on function error: each half is tried on its own, the first half first.
        const half = Math.ceil(pending.length / 2);
        if (!(await deliverBatch(consumer, pending.slice(0, half)))) return false;
        pending = pending.slice(half);
        continue;
      }
      const from =
        outcome.kind === "partial"
          ? pending.findIndex((r) => r.dynamodb?.SequenceNumber === outcome.firstFailed)
          : 0;
      pending = pending.slice(Math.max(0, from));
      attempt += 1;
      if (attempt > consumer.retryAttempts) {
        options.log(
          JSON.stringify({
            level: "ERROR",
            message: "stream batch dead-lettered",
            function: consumer.functionName,
            firstSequenceNumber: pending[0]?.dynamodb?.SequenceNumber,
            records: pending.length,
          }),
        );
        return true;
      }
      // A batch failing again waits for its retry; a drain does not wait through the retries (a notice that cannot
      // be delivered yet does not arrive by waiting): it is answered now, settled only if its pass was complete.
      retrying = true;
      answerDrains();
      await sleep(Math.min(100 * 2 ** attempt, MAX_BACKOFF_MS));
      retrying = false;
    }
    return true;
  }

  async function invokeConsumer(
    consumer: StreamConsumer,
    batch: StreamRecord[],
  ): Promise<{ kind: "ok" } | { kind: "error" } | { kind: "partial"; firstFailed: string }> {
    try {
      const result = (await invoke(consumer.functionName, {
        Records: batch.map((record) => toLambdaRecord(record, streamArn!, options.region)),
      })) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
      const failures = (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (failures.length === 0) return { kind: "ok" };
      const firstFailed = batch.find((r) => failures.includes(r.dynamodb?.SequenceNumber ?? ""));
      return firstFailed
        ? { kind: "partial", firstFailed: firstFailed.dynamodb!.SequenceNumber! }
        : { kind: "error" };
    } catch (error) {
      options.log(
        JSON.stringify({
          level: "ERROR",
          message: "stream consumer failed",
          function: consumer.functionName,
          error: (error as Error).name,
        }),
      );
      return { kind: "error" };
    }
  }

  // Passes over the stream, numbered; a drain waits for a whole pass that started after it was asked for.
  let passesStarted = 0;
  /** A batch failed and waits for its retry (Lambda's backoff). */
  let retrying = false;
  const drains: Array<{ after: number; done: (drained: boolean) => void }> = [];

  function start(): void {
    if (running) return;
    running = true;
    loop = (async () => {
      while (running) {
        const pass = ++passesStarted;
        let complete = true;
        for (const consumer of streamConsumers) {
          try {
            await poll(consumer);
          } catch (error) {
            complete = false;
            options.log(
              JSON.stringify({ level: "ERROR", message: "stream read failed", error: (error as Error).name }),
            );
          }
        }
        if (running && complete) answerDrains(pass);
        if (running) await sleep(POLL_MS);
      }
    })();
  }

  /**
   * After pass `pass` completed, answers the drains asked for before it started (everything committed before
   * them was read and delivered); without a pass (a batch is retrying), answers every drain, unsettled.
   */
  function answerDrains(pass?: number): void {
    for (const drain of drains.filter((d) => pass === undefined || d.after < pass)) {
      drains.splice(drains.indexOf(drain), 1);
      drain.done(pass !== undefined);
    }
  }

  function drained(timeoutMs = 30_000): Promise<boolean> {
    if (retrying) return Promise.resolve(false);
    return new Promise((resolve) => {
      const drain = {
        after: passesStarted,
        done: (result: boolean) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      const timer = setTimeout(() => {
        drains.splice(drains.indexOf(drain), 1);
        resolve(false);
      }, timeoutMs);
      drains.push(drain);
    });
  }

  async function pause(): Promise<void> {
    running = false;
    wake?.();
    await loop;
    iterators.clear();
  }

  start();
  return {
    pause,
    resume: start,
    drained,
    get running() {
      return running;
    },
    async stop() {
      await pause();
      streams.destroy();
    },
  };
}

async function listShards(streams: DynamoDBStreamsClient, streamArn: string) {
  const shards = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** An iterator after `after`, or from the shard's start; a position past the 24 h retention starts over. */
async function shardIterator(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  after: string | undefined,
): Promise<string | undefined> {
  try {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: after }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return ShardIterator;
  } catch (error) {
    const trimmed = error instanceof TrimmedDataAccessException || error instanceof ResourceNotFoundException;
    if (!after || !trimmed) throw error;
    return shardIterator(streams, streamArn, shardId, undefined);
  }
}

function loadCheckpoints(file: string, streamArn: string): Checkpoints {
  if (existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, "utf8")) as Checkpoints;
      // A new stream (the table was recreated) starts from its beginning.
      if (saved.streamArn === streamArn) return { ...saved, finished: saved.finished ?? {} };
    } catch {
      // unreadable: start over; recorded deliveries keep a replayed notice from being sent twice
    }
  }
  return { streamArn, positions: {}, finished: {} };
}
