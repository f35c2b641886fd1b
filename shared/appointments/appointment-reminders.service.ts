import { auditEventPut } from "../audit/audit.store.ts";
import { branches } from "../branches/branches.ts";
import { localDate, plusDays } from "../branches/slot-grid.ts";
import { appointmentReminder } from "../notifications/messages.ts";
import { commitWithNotices } from "../notifications/outbox.store.ts";
import { now } from "../platform/clock.ts";
import { recipientOf } from "./appointment.service.ts";
import { appointmentsOfDay, reminderMark } from "./appointment.store.ts";

export interface AppointmentReminderSummary {
  examined: number;
  sent: number;
}

/**
 * Primary course (F18, reminder): for each branch, read tomorrow's partition (its local calendar) and queue one
 * reminder per standing appointment. The reminder is marked on the appointment with a conditional write in the
 * same transaction as its outbox notice and audit record, so a re-run, or two runs at once, queue it once, and
 * the notifier delivers it (retrying a failed channel, never sending a delivered one again).
 */
export async function sendAppointmentReminders(): Promise<AppointmentReminderSummary> {
  const at = now();
  const summary: AppointmentReminderSummary = { examined: 0, sent: 0 };
  for (const branch of branches) {
    const tomorrow = plusDays(localDate(branch, at.getTime()), 1);
    for (const appointment of await appointmentsOfDay(branch.id, tomorrow)) {
      summary.examined++;
      if (appointment.status !== "booked" || appointment.remindedAt) continue;
      const queued = await commitWithNotices(
        [
          reminderMark(appointment, at.toISOString()),
          {
            Put: auditEventPut({
              codiceFiscale: appointment.person.codiceFiscale,
              type: "appointment-reminder-sent",
              channel: "system",
              actor: "job:appointment-reminders",
              outcome: "success",
              details: { appointmentId: appointment.id, branchId: branch.id },
            }),
          },
        ],
        {
          type: "appointment-reminder",
          to: [recipientOf(appointment.contact)],
          message: appointmentReminder({ ...appointment, branch }),
        },
      );
      if (queued) summary.sent++;
    }
  }
  return summary;
}
