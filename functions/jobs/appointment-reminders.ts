import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { sendAppointmentReminders } from "#shared/appointments/appointment-reminders.service";
import { logger } from "#shared/platform/logger";

/** Scheduled daily (Europe/Rome) by EventBridge Scheduler; locally by the local stack's scheduler. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const summary = await sendAppointmentReminders();
    logger.info("appointment reminders done", { ...summary });
    return summary;
  });
