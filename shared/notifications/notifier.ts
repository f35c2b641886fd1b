import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowMs } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { dynamodb } from "../platform/dynamodb-client.ts";
import { logger } from "../platform/logger.ts";
import { randomId } from "../platform/random.ts";
import type { Recipient } from "./channels.ts";
import { type Delivery, deliveryKey, type OutboxItem, outboxKey } from "./outbox.store.ts";
import { deliver } from "./sender.ts";

/**
 * How long a claim on one delivery holds before another invocation may take it over: longer than the
 * notifier's timeout (shared/functions.ts), so a claim is only ever taken over from an invocation that died.
 */
export const CLAIM_LEASE_MS = 45_000;

export type DeliveryOutcome = "sent" | "already-sent" | "gone" | "failed" | "busy";

export interface NoticeResult {
  /** Every recipient's outcome, by delivery key (`0-sms`, `1-email`, ...). */
  outcomes: Record<string, DeliveryOutcome>;
  /** True when a recipient still waits: the stream record must be retried. */
  retry: boolean;
}

/**
 * Primary course (notifier): for each recipient of an outbox notice, claim its delivery with a conditional
 * write, send, then record it as sent. A redelivered stream record finds the delivery recorded and sends
 * nothing; a failure on one channel releases only that claim, so the retry sends only what is missing. A claim
 * left by an invocation that died is taken over once its lease has run out (waiting for it when the time left
 * allows). The one duplicate this cannot rule out is a crash after the provider accepted the message and before
 * it was recorded: SMS and e-mail providers offer no idempotency key to close that gap.
 */
export async function deliverNotice(
  notice: OutboxItem,
  options: { remainingMs?: () => number } = {},
): Promise<NoticeResult> {
  const outcomes: Record<string, DeliveryOutcome> = {};
  // One channel's outage must not hold up the others: recipients are served side by side.
  await Promise.all(
    notice.recipients.map(async (recipient, index) => {
      const key = deliveryKey(index, recipient);
      outcomes[key] = await deliverOnce(notice, key, recipient, options.remainingMs);
    }),
  );
  const retry = Object.values(outcomes).some((o) => o === "failed" || o === "busy");
  return { outcomes, retry };
}

async function deliverOnce(
  notice: OutboxItem,
  key: string,
  recipient: Recipient,
  remainingMs?: () => number,
): Promise<DeliveryOutcome> {
  let claim = await claimDelivery(notice.outboxId, key);
  if (claim.status === "busy" && remainingMs) {
    // The previous holder died mid-send (a live one would have finished: the lease outlasts an invocation):
    // wait for its lease to run out when this invocation has the time, else leave it to the retry.
    const wait = Math.max(0, claim.until - nowMs()) + 100;
    if (wait < remainingMs() - 5_000) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      claim = await claimDelivery(notice.outboxId, key);
    }
  }
  if (claim.status !== "claimed") return claim.status;
  try {
    await deliver(recipient.channel, recipient.to, notice.message);
  } catch (error) {
    logger.warn("notice not delivered", {
      notice: notice.type,
      outboxId: notice.outboxId,
      channel: recipient.channel,
      error: (error as Error).name,
    });
    await releaseClaim(notice.outboxId, key, claim.claim);
    return "failed";
  }
  await recordSent(notice.outboxId, key, claim.claim);
  logger.info("notice delivered", {
    notice: notice.type,
    outboxId: notice.outboxId,
    channel: recipient.channel,
  });
  return "sent";
}

type Claim =
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
async function recordSent(outboxId: string, key: string, claim: string): Promise<void> {
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
async function releaseClaim(outboxId: string, key: string, claim: string): Promise<void> {
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
