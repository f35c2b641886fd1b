/**
 * Scheduled jobs, defined once: CDK creates an EventBridge Scheduler schedule for each, the local stack runs
 * the same handler on the same wall-clock time. Times are in Europe/Rome.
 */
export interface JobDefinition {
  name: "letter-batch" | "expiry-reminders" | "appointment-reminders";
  /** Function that runs the job (see `functionDefinitions`). */
  functionName: "letterBatch" | "expiryReminders" | "appointmentReminders";
  /** Daily run time in Europe/Rome. */
  daily: { hour: number; minute: number };
  description: string;
}

export const scheduleTimeZone = "Europe/Rome";

export const jobDefinitions: readonly JobDefinition[] = [
  {
    name: "letter-batch",
    functionName: "letterBatch",
    daily: { hour: 2, minute: 0 },
    description: "Renders pending part-B letters into print-ready PDF batches",
  },
  {
    name: "expiry-reminders",
    functionName: "expiryReminders",
    daily: { hour: 8, minute: 0 },
    description: "Sends the 30/7/1-day PIN expiry reminders",
  },
  {
    name: "appointment-reminders",
    functionName: "appointmentReminders",
    daily: { hour: 17, minute: 0 },
    description: "Reminds each person booked at a branch tomorrow (F18), once",
  },
];

/** EventBridge Scheduler cron expression for a daily job. */
export function cronExpression(job: JobDefinition): string {
  return `cron(${job.daily.minute} ${job.daily.hour} * * ? *)`;
}
