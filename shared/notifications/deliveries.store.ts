import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { logger } from "../platform/logger.ts";
import { randomId } from "../platform/random.ts";
import { type Delivery, type OutboxItem, outboxKey } from "./outbox.store.ts";

/** The deliveries of an outbox notice, one per recipient, recorded on the notice's item: claimed, sent, released. */

/**
 * How long a claim on one delivery holds before another invocation may take it over: longer than the
 * notifier's timeout (shared/functions.ts), so a claim is only ever taken over from an invocation that died.
 */
export const CLAIM_LEASE_MS = 45_000;

export type Claim =
  | { status: "claimed"; claim: string }
  | { status: "busy"; until: number }
  | { status: "already-sent" | "gone" };

/**
 * Takes the delivery `key` of a notice: only if nobody recorded it as sent and nobody holds a live claim on it.
 * When the condition fails, a consistent read tells which case it was.
 */
export async function claimDelivery(outboxId: string, key: string): Promise<Claim> {
  const TableName = required("TABLE_NAME");
  const claim = randomId();
  const at = nowMs();
  const delivery: Delivery = { state: "sending", claim, until: at + CLAIM_LEASE_MS };
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName,
        Key: outboxKey(outboxId),
        UpdateExpression: "SET deliveries.#key = :delivery",
        ConditionExpression:
          "attribute_exists(pk) AND (attribute_not_exists(deliveries.#key) OR " +
          "(deliveries.#key.#state = :sending AND deliveries.#key.#until <= :now))",
        ExpressionAttributeNames: { "#key": key, "#state": "state", "#until": "until" },
        ExpressionAttributeValues: { ":delivery": delivery, ":sending": "sending", ":now": at },
      }),
    );
    return { status: "claimed", claim };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const { Item } = await dynamodb.send(
    new GetCommand({
      TableName,
      Key: outboxKey(outboxId),
      ConsistentRead: true,
      ProjectionExpression: "deliveries.#key",
      ExpressionAttributeNames: { "#key": key },
    }),
  );
  // Removed by TTL long after its stream record expired: nothing left to deliver.
  if (!Item) return { status: "gone" };
  const current = (Item as Pick<OutboxItem, "deliveries">).deliveries?.[key];
  if (current?.state === "sent") return { status: "already-sent" };
  return { status: "busy", until: current?.until ?? at };
}

/** Records the delivery as done, if the claim is still ours (a takeover after our lease ran out keeps its own). */
export async function recordSent(outboxId: string, key: string, claim: string): Promise<void> {
  const delivery: Delivery = { state: "sent", claim, at: now().toISOString() };
  await dynamodb
    .send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: outboxKey(outboxId),
        UpdateExpression: "SET deliveries.#key = :delivery",
        ConditionExpression: "deliveries.#key.#claim = :claim",
        ExpressionAttributeNames: { "#key": key, "#claim": "claim" },
        ExpressionAttributeValues: { ":delivery": delivery, ":claim": claim },
      }),
    )
    .catch((error: Error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      logger.warn("delivery recorded by a later claim", { outboxId });
    });
}

/** Gives a failed delivery back at once, so the retry of the stream record can claim it again. */
export async function releaseClaim(outboxId: string, key: string, claim: string): Promise<void> {
  await dynamodb
    .send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: outboxKey(outboxId),
        UpdateExpression: "REMOVE deliveries.#key",
        ConditionExpression: "deliveries.#key.#claim = :claim",
        ExpressionAttributeNames: { "#key": key, "#claim": "claim" },
        ExpressionAttributeValues: { ":claim": claim },
      }),
    )
    .catch((error: Error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}
