import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { deliverNotice, traceOf } from "#shared/notifications/notifier";
import type { OutboxItem } from "#shared/notifications/outbox.store";
import { logger } from "#shared/platform/logger";
import { publishMetrics } from "#shared/platform/metrics";

/** The event source mapping's filter lets only these through; checked again, as a record is cheap to skip. */
function isOutboxInsert(record: DynamoDBRecord): boolean {
  return record.eventName === "INSERT" && record.dynamodb?.NewImage?.kind?.S === "outbox";
}

/**
 * Fed by the table's stream (shared/functions.ts `streamConsumers`): delivers each outbox notice in the batch
 * and reports the records that still have a recipient waiting, so Lambda retries from the first of them
 * (recipients already served are skipped by their recorded delivery). Nothing of a notice is logged but its
 * type, id and channels.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event, context: Context) => {
    const failed = await Promise.all(
      event.Records.filter(isOutboxInsert).map(async (record) => {
        const image = record.dynamodb?.NewImage as Record<string, AttributeValue>;
        const notice = unmarshall(image) as OutboxItem;
        try {
          const { retry } = await deliverNotice(notice, {
            remainingMs: () => context.getRemainingTimeInMillis(),
          });
          return retry ? record : undefined;
        } catch (error) {
          logger.error("notice failed", { ...traceOf(notice), error: (error as Error).name });
          return record;
        }
      }),
    );
    return {
      batchItemFailures: failed
        .filter((record) => record !== undefined)
        .map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? "" })),
    };
  });
