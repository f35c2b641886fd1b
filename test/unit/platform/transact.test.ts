import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ConflictError } from "#shared/platform/errors";
import { type TransactItem, TransactionCancelled, transact } from "#shared/platform/transact";

const dynamodb = mockClient(DynamoDBDocumentClient);
afterAll(() => dynamodb.restore());
beforeEach(() => dynamodb.reset());

const items: TransactItem[] = [0, 1, 2].map((i) => ({
  ConditionCheck: {
    TableName: "t",
    Key: { pk: `K#${i}`, sk: "S" },
    ConditionExpression: "attribute_exists(pk)",
  },
}));
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    $metadata: {},
    message: "Transaction cancelled",
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const taken = new ConflictError("slot-taken", "The slot is taken.");
const limit = new ConflictError("limit", "The limit is reached.");

describe("transact", () => {
  it("sends every item in one transaction", async () => {
    dynamodb.on(TransactWriteCommand).resolves({});
    await transact(items);
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(dynamodb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toEqual(items);
  });

  it("throws the error stated for the item whose condition failed", async () => {
    dynamodb.on(TransactWriteCommand).rejects(cancelled("None", "None", "ConditionalCheckFailed"));
    await expect(transact(items, { conditions: { 1: taken, 2: limit } })).rejects.toBe(limit);
    dynamodb.on(TransactWriteCommand).rejects(cancelled("None", "ConditionalCheckFailed", "None"));
    await expect(transact(items, { conditions: { 1: taken, 2: limit } })).rejects.toBe(taken);
  });

  it("works a meaning out when it is a function, and uses `otherwise` for an unstated item", async () => {
    dynamodb.on(TransactWriteCommand).rejects(cancelled("ConditionalCheckFailed", "None", "None"));
    await expect(transact(items, { conditions: { 2: limit }, otherwise: async () => taken })).rejects.toBe(
      taken,
    );
  });

  it("without a meaning, throws a TransactionCancelled that says which item failed", async () => {
    dynamodb.on(TransactWriteCommand).rejects(cancelled("None", "ConditionalCheckFailed", "None"));
    const error = await transact(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCancelled);
    expect((error as TransactionCancelled).reasons).toEqual(["None", "ConditionalCheckFailed", "None"]);
    expect([0, 1, 2].map((i) => (error as TransactionCancelled).failedAt(i))).toEqual([false, true, false]);
  });

  it("sends again a transaction cancelled only by a conflict, up to conflictRetries times", async () => {
    dynamodb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled("TransactionConflict", "None", "None"))
      .rejectsOnce(cancelled("None", "TransactionConflict", "None"))
      .resolves({});
    await transact(items, { conflictRetries: 3 });
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(3);

    dynamodb.reset();
    dynamodb.on(TransactWriteCommand).rejects(cancelled("TransactionConflict", "None", "None"));
    await expect(transact(items, { conflictRetries: 2 })).rejects.toBeInstanceOf(TransactionCancelled);
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it("does not send again when a condition failed as well, nor without conflictRetries", async () => {
    dynamodb
      .on(TransactWriteCommand)
      .rejects(cancelled("TransactionConflict", "None", "ConditionalCheckFailed"));
    await expect(transact(items, { conflictRetries: 5 })).rejects.toBeInstanceOf(TransactionCancelled);
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(1);

    dynamodb.reset();
    dynamodb.on(TransactWriteCommand).rejects(cancelled("TransactionConflict", "None", "None"));
    await expect(transact(items)).rejects.toBeInstanceOf(TransactionCancelled);
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it("lets any other error through as it is", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    dynamodb.on(TransactWriteCommand).rejects(throttled);
    await expect(transact(items, { otherwise: taken })).rejects.toBe(throttled);
  });
});
