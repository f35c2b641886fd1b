import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DeleteCommand,
  type PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  type UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { required } from "./config.ts";
import { dynamodb } from "./dynamodb-client.ts";
import type { AppError } from "./errors.ts";

/** One item of a write transaction (Put, Update, Delete or ConditionCheck), as the stores build them. */
export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Why DynamoDB cancelled an item of a transaction ("None" for the items that were not at fault). */
export type CancellationCode = "ConditionalCheckFailed" | "TransactionConflict" | (string & {});

/** A domain error, or how to work it out (a fresh read, say) once the transaction was cancelled. */
type Meaning = AppError | (() => AppError | Promise<AppError>);

export interface CancelMeanings {
  /** By item index: what a failed condition of that item means. The first failed item with an entry decides. */
  conditions?: Record<number, Meaning>;
  /** What any other cancellation means; without it, `TransactionCancelled` is thrown. */
  otherwise?: Meaning;
  /** How many times to send again when cancelled only by a concurrent transaction on the same items. */
  conflictRetries?: number;
}

/** A cancelled transaction no meaning was given for: nothing was written. Carries the reasons, item by item. */
export class TransactionCancelled extends Error {
  override name = "TransactionCancelled";
  constructor(readonly reasons: CancellationCode[]) {
    super(`The transaction was cancelled (${reasons.join(", ")}).`);
  }

  /** Whether the condition of item `index` failed. */
  failedAt(index: number): boolean {
    return this.reasons[index] === "ConditionalCheckFailed";
  }
}

/**
 * Writes `items` in one transaction: all of them, or none. A cancellation becomes the domain error the caller
 * stated for it (`meanings`), else a `TransactionCancelled` carrying the reasons. Parallel transactions on the
 * same items cancel each other ("TransactionConflict"); with `conflictRetries` those are sent again after a
 * short random pause, until a condition decides.
 */
export async function transact(items: TransactItem[], meanings: CancelMeanings = {}): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let reasons: CancellationCode[];
    try {
      await dynamodb.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      reasons = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
    }
    const cancelled = new TransactionCancelled(reasons);
    for (const [index, meaning] of Object.entries(meanings.conditions ?? {})) {
      if (cancelled.failedAt(Number(index))) throw await resolve(meaning);
    }
    const conflictOnly =
      reasons.includes("TransactionConflict") && !reasons.includes("ConditionalCheckFailed");
    if (conflictOnly && attempt < (meanings.conflictRetries ?? 0)) {
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
      continue;
    }
    throw meanings.otherwise ? await resolve(meanings.otherwise) : cancelled;
  }
}

const resolve = async (meaning: Meaning) => (typeof meaning === "function" ? meaning() : meaning);

/** The Put of a new item of `kind` at `key`: written only where no item is. */
export function newItemPut(key: { pk: string; sk: string }, kind: string, attributes: object): TransactItem {
  return {
    Put: {
      TableName: required("TABLE_NAME"),
      Item: { ...key, kind, ...attributes },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}

/** Sends one conditional write on its own: false when its condition failed (nothing was written then). */
export async function conditionally(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    await dynamodb.send(command as UpdateCommand);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
