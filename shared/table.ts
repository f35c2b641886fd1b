/**
 * The one DynamoDB table, defined once: the CDK data stack and the local stack both create it from here.
 * Single-table design; every item has `pk`/`sk`. The GSIs are sparse: an item appears in them only
 * while it carries the index attributes.
 */
export const tableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Epoch seconds; DynamoDB TTL removes the item some time after. Reads check expiry themselves. */
  timeToLiveAttribute: "ttl",
  /** The stream the notifier reads, filtered to outbox items (docs/product/README.md#architecture): each new item's image. */
  streamViewType: "NEW_IMAGE",
  globalSecondaryIndexes: {
    /** Letters waiting to be printed: gsi1pk = `LETTER#PENDING`, gsi1sk = `<queuedAt>#<letterId>`. */
    pendingLetters: { indexName: "pending-letters", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    /** Active PINs by expiry day: gsi2pk = `EXPIRY#YYYY-MM-DD`, gsi2sk = credential id. */
    expiryReminders: { indexName: "expiry-reminders", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
    /** Conversion requests waiting for the back office: gsi3pk = `CONVERSION#SUBMITTED`, gsi3sk = `<submittedAt>#<id>`. */
    conversionQueue: { indexName: "conversion-queue", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  },
} as const;

export type IndexName =
  (typeof tableDefinition.globalSecondaryIndexes)[keyof typeof tableDefinition.globalSecondaryIndexes]["indexName"];
