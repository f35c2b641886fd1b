import { type JobDefinition, jobDefinitions, scheduleTimeZone } from "#shared/jobs";
import { invoke } from "./functions.ts";

const romeClock = new Intl.DateTimeFormat("en-CA", {
  timeZone: scheduleTimeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function romeParts(date: Date): { day: string; hour: number; minute: number } {
  const parts = Object.fromEntries(romeClock.formatToParts(date).map((p) => [p.type, p.value]));
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** Is `job` due at `date` (Europe/Rome wall clock), and not yet run on that Rome day? */
export function isDue(job: JobDefinition, date: Date, lastRunDay: string | undefined): boolean {
  const { day, hour, minute } = romeParts(date);
  return (
    day !== lastRunDay && (hour > job.daily.hour || (hour === job.daily.hour && minute >= job.daily.minute))
  );
}

/**
 * Runs each job daily at its Europe/Rome time, as EventBridge Scheduler does in AWS, with the event it sends.
 * Starting after today's time does not run it at once: the first run is the next occurrence.
 */
export function startScheduler(log: (line: string) => void): () => void {
  const lastRun = new Map<string, string>();
  for (const job of jobDefinitions) {
    if (isDue(job, new Date(), undefined)) lastRun.set(job.name, romeParts(new Date()).day);
  }
  const timer = setInterval(() => {
    const now = new Date();
    for (const job of jobDefinitions) {
      if (!isDue(job, now, lastRun.get(job.name))) continue;
      lastRun.set(job.name, romeParts(now).day);
      invoke(job.functionName, { job: job.name, scheduledTime: now.toISOString() })
        .then((summary) =>
          log(JSON.stringify({ level: "INFO", message: "job done", job: job.name, summary })),
        )
        .catch((error) =>
          log(JSON.stringify({ level: "ERROR", message: "job failed", job: job.name, error: String(error) })),
        );
    }
  }, 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
