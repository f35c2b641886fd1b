import { recordAuditEvent } from "../audit/audit.store.ts";
import type { Credential } from "../credentials/credential.model.ts";
import { credentialsExpiringOn, remindersMark, romeDate } from "../credentials/credential.store.ts";
import { expiryReminder } from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { addDays, DAY_MS, now } from "../platform/clock.ts";

/** Days before expiry at which the holder is reminded (docs/product/credential-rules.md). */
export const REMINDER_DAYS = [30, 7, 1] as const;

export interface ExpiryReminderSummary {
  examined: number;
  sent: number;
  byThreshold: Record<string, number>;
}

/** The reminder due for a PIN with `daysLeft` days to go, or undefined when none is. */
export function dueThreshold(daysLeft: number): (typeof REMINDER_DAYS)[number] | undefined {
  if (daysLeft <= 0) return undefined;
  return [...REMINDER_DAYS].reverse().find((threshold) => daysLeft <= threshold);
}

/**
 * Primary course (F15): read the expiry index day by day for the next 30 Rome calendar days (never a Scan),
 * and for each active PIN queue the reminder it is due, at most once per threshold: the threshold is recorded
 * on the credential with a conditional write in the same transaction as the reminder's outbox notice (docs/product/README.md#architecture),
 * and the notifier delivers it, retrying a channel that fails and never sending a delivered one again. So a
 * reminder is neither lost when SES or SNS fail nor sent twice by a later run. A missed run does not lose a
 * reminder either: the next run queues the most urgent one still due and marks the earlier ones as passed.
 */
export async function sendExpiryReminders(): Promise<ExpiryReminderSummary> {
  const today = now();
  const summary: ExpiryReminderSummary = { examined: 0, sent: 0, byThreshold: {} };
  for (let offset = 0; offset <= REMINDER_DAYS[0]; offset++) {
    for await (const page of credentialsExpiringOn(romeDate(addDays(today, offset)))) {
      for (const item of page) {
        summary.examined++;
        const threshold = await queueReminder(item);
        if (threshold === undefined) continue;
        await recordAuditEvent({
          codiceFiscale: item.codiceFiscale,
          type: "expiry-reminder-sent",
          channel: "system",
          actor: "job:expiry-reminders",
          outcome: "success",
          details: { daysBefore: threshold },
        });
        summary.sent++;
        summary.byThreshold[threshold] = (summary.byThreshold[threshold] ?? 0) + 1;
      }
    }
  }
  return summary;
}

async function queueReminder(credential: Credential): Promise<number | undefined> {
  if (credential.status !== "active" || !credential.pinExpiresAt) return undefined;
  const daysLeft = Math.ceil((Date.parse(credential.pinExpiresAt) - now().getTime()) / DAY_MS);
  const threshold = dueThreshold(daysLeft);
  const already = credential.remindersSent ?? [];
  if (threshold === undefined || already.includes(threshold)) return undefined;
  const passed = REMINDER_DAYS.filter((d) => d >= threshold && !already.includes(d));
  const queued = await commitWithNotices([remindersMark(credential, threshold, passed)], {
    type: "expiry-reminder",
    to: credential.contacts,
    message: expiryReminder(threshold, credential.pinExpiresAt),
  });
  return queued ? threshold : undefined;
}
