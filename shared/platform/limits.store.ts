import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { nowMs } from "./clock.ts";
import { required } from "./config.ts";
import { dynamodb } from "./dynamodb-client.ts";

/**
 * Budgets that keep the service from being used as a message cannon or a guessing oracle (docs/product/credential-rules.md).
 * Each is one small item taken with a conditional write, so parallel requests can never overspend it,
 * and expired by TTL. Subjects that are personal data (contacts, source addresses) are stored as digests.
 */

/** A stable, non-reversible key for a contact or address: the budget needs equality, not the value. */
export function subjectDigest(value: string): string {
  return createHash("sha256").update(value.trim().toLowerCase()).digest("base64url").slice(0, 32);
}

/**
 * Takes one unit of `limit` per fixed window of `windowSeconds` for `scope`/`subject`; false when the
 * window's budget is spent (nothing is taken then).
 */
export async function takeFromBudget(
  scope: string,
  subject: string,
  limit: number,
  windowSeconds: number,
): Promise<boolean> {
  const window = Math.floor(nowMs() / 1000 / windowSeconds);
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: budgetKey(scope, subject, windowSeconds),
        UpdateExpression: "ADD #count :one SET #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
        ExpressionAttributeNames: { "#count": "count", "#ttl": "ttl" },
        ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":ttl": (window + 2) * windowSeconds },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Whether the current window of a budget still has room, without taking from it. */
export async function budgetLeft(
  scope: string,
  subject: string,
  limit: number,
  windowSeconds: number,
): Promise<boolean> {
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName: required("TABLE_NAME"),
      Key: budgetKey(scope, subject, windowSeconds),
      ConsistentRead: true,
    }),
  );
  return ((Item?.count as number | undefined) ?? 0) < limit;
}

function budgetKey(scope: string, subject: string, windowSeconds: number) {
  const window = Math.floor(nowMs() / 1000 / windowSeconds);
  return { pk: `RATE#${scope}#${subject}`, sk: `WINDOW#${windowSeconds}#${window}` };
}

/**
 * Claims a quiet period: true for the first caller, then false for everyone until `seconds` have passed
 * since that claim (a sliding window, unlike `takeFromBudget`). Expiry is checked on read, not left to TTL.
 */
export async function claimQuietPeriod(scope: string, subject: string, seconds: number): Promise<boolean> {
  try {
    await dynamodb.send(new PutCommand(quietPeriodClaim(scope, subject, seconds)));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The conditional Put of `claimQuietPeriod`, for a transaction (e.g. with the notice the period limits). */
export function quietPeriodClaim(scope: string, subject: string, seconds: number) {
  const now = nowMs();
  return {
    TableName: required("TABLE_NAME"),
    Item: {
      pk: `QUIET#${scope}#${subject}`,
      sk: "CLAIM",
      until: now + seconds * 1000,
      ttl: Math.ceil(now / 1000) + seconds,
    },
    ConditionExpression: "attribute_not_exists(pk) OR #until <= :now",
    ExpressionAttributeNames: { "#until": "until" },
    ExpressionAttributeValues: { ":now": now },
  };
}

/**
 * Runs `work` and answers no sooner than `floorMs` after starting, so the time of an answer does not tell
 * which path it took (the work itself may be short-circuited for unknown or existing holders).
 */
export async function answerAfter<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const left = floorMs - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
  }
}

/**
 * Runs `work`; if it fails, the failure is answered no sooner than `floorMs` after starting. Successes are
 * not delayed: only failures must look alike (a wrong PIN for a known holder, an unknown codice fiscale).
 */
export async function failAfter<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } catch (error) {
    const left = floorMs - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    throw error;
  }
}
