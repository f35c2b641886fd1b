import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";

/** docs/product/credential-rules.md#attempts: 5 failures lock for 15 min, each later failure doubles it (max 24 h), 20 block. */
export const LOCK_AFTER = 5;
export const BLOCK_AFTER = 20;
export const BASE_LOCK_MS = 15 * 60_000;
export const MAX_LOCK_MS = 24 * 60 * 60_000;

/** The lock that `failures` consecutive failures impose, counted from `fromMs`. */
export function lockFor(failures: number, fromMs: number): { lockedUntil?: number; blocked: boolean } {
  if (failures >= BLOCK_AFTER) return { blocked: true };
  if (failures < LOCK_AFTER) return { blocked: false };
  return {
    lockedUntil: fromMs + Math.min(BASE_LOCK_MS * 2 ** (failures - LOCK_AFTER), MAX_LOCK_MS),
    blocked: false,
  };
}

export interface AttemptCounted {
  failures?: number;
  lockedUntil?: number;
  blocked?: boolean;
}

export type Reservation<T> =
  | { ok: true; item: T; failures: number; lockedUntil?: number; blocked: boolean }
  | { ok: false; reason: "missing" | "locked" | "blocked" };

/**
 * Takes one guess from the item's budget BEFORE the secret is checked, so parallel guesses can never
 * exceed the limit: the counter is raised with a conditional write on its previous value, and the guess
 * that reaches a threshold carries the lock with it (a success lifts it again). A locked or blocked item
 * yields no guess and its counter does not move.
 */
export async function reserveAttempt<T extends AttemptCounted>(
  key: { pk: string; sk: string },
  usable: (item: T) => boolean = () => true,
): Promise<Reservation<T>> {
  const TableName = required("TABLE_NAME");
  for (let round = 0; round < 50; round++) {
    const { Item } = await dynamodb.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
    const item = Item as T | undefined;
    if (!item || !usable(item)) return { ok: false, reason: "missing" };
    const at = nowMs();
    if (item.blocked) return { ok: false, reason: "blocked" };
    if (item.lockedUntil !== undefined && item.lockedUntil > at) return { ok: false, reason: "locked" };
    const previous = item.failures ?? 0;
    const failures = previous + 1;
    const lock = lockFor(failures, at);
    try {
      await dynamodb.send(
        new UpdateCommand({
          TableName,
          Key: key,
          UpdateExpression:
            lock.lockedUntil !== undefined
              ? "SET failures = :failures, blocked = :blocked, lockedUntil = :lockedUntil"
              : "SET failures = :failures, blocked = :blocked REMOVE lockedUntil",
          ConditionExpression:
            "attribute_exists(pk) AND (failures = :previous OR (attribute_not_exists(failures) AND :previous = :zero))",
          ExpressionAttributeValues: {
            ":failures": failures,
            ":previous": previous,
            ":zero": 0,
            ":blocked": lock.blocked,
            ...(lock.lockedUntil !== undefined ? { ":lockedUntil": lock.lockedUntil } : {}),
          },
        }),
      );
      return { ok: true, item, failures, lockedUntil: lock.lockedUntil, blocked: lock.blocked };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Someone else took a guess in between: read again and queue behind it.
    }
  }
  return { ok: false, reason: "locked" };
}

/** After a correct secret: the budget is whole again and any provisional lock is lifted. */
export async function clearAttempts(key: { pk: string; sk: string }): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName: required("TABLE_NAME"),
      Key: key,
      UpdateExpression: "SET failures = :zero, blocked = :false REMOVE lockedUntil",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":zero": 0, ":false": false },
    }),
  );
}
