import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { sendExpiryReminders } from "#shared/expiry/expiry-reminders.service";
import { logger } from "#shared/platform/logger";
import { publishMetrics } from "#shared/platform/metrics";

/** Scheduled daily (Europe/Rome) by EventBridge Scheduler; locally by the local stack's scheduler. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async () => {
    const summary = await sendExpiryReminders();
    logger.info("expiry reminders done", { ...summary });
    return summary;
  });
