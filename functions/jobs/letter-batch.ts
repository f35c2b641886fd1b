import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { runLetterBatch } from "#shared/letters/letter-batch.service";
import { logger } from "#shared/platform/logger";
import { publishMetrics } from "#shared/platform/metrics";

/**
 * Scheduled daily (Europe/Rome) by EventBridge Scheduler; locally by the local stack's scheduler and
 * `POST /_local/jobs/letter-batch`. Stops two minutes before its timeout; the next run continues.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (_event: unknown, context: Context) => {
    const summary = await runLetterBatch({ remainingMs: () => context.getRemainingTimeInMillis() });
    logger.info("letter batch done", { ...summary });
    return summary;
  });
