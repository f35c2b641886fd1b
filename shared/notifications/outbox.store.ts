import { now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { currentRequestId } from "../platform/logger.ts";
import { randomId } from "../platform/random.ts";
import { type TransactItem, TransactionCancelled, transact } from "../platform/transact.ts";
import { type Contacts, contactChannels, type Message, type Recipient } from "./channels.ts";

/**
 * The transactional outbox (docs/product/README.md#architecture): a notice is an item written in the same DynamoDB transaction as the
 * state change it reports, so the change never commits without its notice, nor the notice without the change.
 * The notifier function reads it from the table's stream and delivers it (shared/notifications/notifier.ts).
 *
 * The item holds full addresses and the message text: it is never logged, never read by anything but the
 * notifier, and removed by TTL once its stream record and any dead-lettered retry are long gone.
 */

/** How long an outbox item stays: past the stream's 24 h and the 14 days a failed batch waits in the DLQ. */
export const OUTBOX_TTL_SECONDS = 15 * 24 * 60 * 60;

export const OUTBOX_KIND = "outbox" as const;
export const OUTBOX_SK = "NOTICE" as const;

export interface Notice {
  /** What the notice reports, for logs and metrics (e.g. `pin-locked`); never personal data. */
  type: string;
  /** Every registered contact of a holder, or explicit recipients (e.g. both parties of a delegation). */
  to: Contacts | readonly Recipient[];
  message: Message;
}

/** The stored notice, as the notifier reads it from the stream's NewImage. */
export interface OutboxItem {
  pk: string;
  sk: typeof OUTBOX_SK;
  kind: typeof OUTBOX_KIND;
  outboxId: string;
  type: string;
  recipients: Recipient[];
  message: Message;
  createdAt: string;
  /** The request that committed it (its log lines' `correlation_id`), for the notifier's lines. */
  requestId?: string;
  ttl: number;
  /** Per recipient (see `deliveryKey`), the notifier's claim or the record of its delivery. */
  deliveries: Record<string, Delivery>;
}

export type Delivery =
  | { state: "sending"; claim: string; until: number }
  | { state: "sent"; claim: string; at: string };

export const outboxKey = (outboxId: string) => ({ pk: `OUTBOX#${outboxId}`, sk: OUTBOX_SK }) as const;

/** The key of one recipient in `deliveries`: its position and channel, e.g. `0-sms`. */
export const deliveryKey = (index: number, recipient: Recipient) => `${index}-${recipient.channel}`;

function recipientsOf(to: Notice["to"]): Recipient[] {
  return Array.isArray(to) ? [...(to as readonly Recipient[])] : contactChannels(to as Contacts);
}

/**
 * The transaction items that queue `notices`: one Put each, none for a notice with nobody to tell. Add them to
 * the TransactItems of the state change they report.
 */
export function noticeItems(...notices: Notice[]): TransactItem[] {
  const TableName = required("TABLE_NAME");
  const createdAt = now();
  const requestId = currentRequestId();
  return notices.flatMap((notice) => {
    const recipients = recipientsOf(notice.to);
    if (recipients.length === 0) return [];
    const outboxId = randomId();
    const item: OutboxItem = {
      ...outboxKey(outboxId),
      kind: OUTBOX_KIND,
      outboxId,
      type: notice.type,
      recipients,
      message: notice.message,
      createdAt: createdAt.toISOString(),
      ...(requestId ? { requestId } : {}),
      ttl: Math.ceil(createdAt.getTime() / 1000) + OUTBOX_TTL_SECONDS,
      deliveries: {},
    };
    return [{ Put: { TableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" } }];
  });
}

/**
 * Commits `items` (the state change) and `notices` in one transaction. For a service whose change is a single
 * Put or Update, pass it as the only item: it becomes a two-item transaction. Returns false when the
 * transaction was cancelled (a condition of the change failed, or a concurrent transaction touched the same
 * item): nothing was written then, notices included.
 */
export async function commitWithNotices(items: TransactItem[], ...notices: Notice[]): Promise<boolean> {
  try {
    await transact([...items, ...noticeItems(...notices)]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled) return false;
    throw error;
  }
}
