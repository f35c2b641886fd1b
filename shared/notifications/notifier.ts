import { nowMs } from "../platform/clock.ts";
import { logger } from "../platform/logger.ts";
import { countMetric } from "../platform/metrics.ts";
import type { Recipient } from "./channels.ts";
import { CLAIM_LEASE_MS, claimDelivery, recordSent, releaseClaim } from "./deliveries.store.ts";
import { deliveryKey, type OutboxItem } from "./outbox.store.ts";
import { deliver } from "./sender.ts";

export { CLAIM_LEASE_MS };

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
      ...traceOf(notice),
      notice: notice.type,
      outboxId: notice.outboxId,
      channel: recipient.channel,
      error: (error as Error).name,
    });
    await releaseClaim(notice.outboxId, key, claim.claim);
    countMetric("NoticeFailed", { channel: recipient.channel });
    return "failed";
  }
  await recordSent(notice.outboxId, key, claim.claim);
  countMetric("NoticeDelivered", { channel: recipient.channel });
  logger.info("notice delivered", {
    ...traceOf(notice),
    notice: notice.type,
    outboxId: notice.outboxId,
    channel: recipient.channel,
  });
  return "sent";
}

/** The request that committed the notice, under the key its own log lines carry it. */
export function traceOf(notice: Pick<OutboxItem, "requestId">): { correlation_id?: string } {
  return notice.requestId ? { correlation_id: notice.requestId } : {};
}
