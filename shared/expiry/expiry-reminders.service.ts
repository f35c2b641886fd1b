import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { recordAuditEvent } from "../audit/audit.store.ts";
import { type Credential, credentialKey } from "../credentials/credential.model.ts";
import { romeDate } from "../credentials/credential.store.ts";
import { expiryReminder } from "../notifications/messages.ts";
import { notifyAll } from "../notifications/sender.ts";
import { dynamodb } from "../platform/clients.ts";
import { addDays, DAY_MS, now } from "../platform/clock.ts";
import { required } from "../platform/config.ts";
import { logger } from "../platform/logger.ts";
import { tableDefinition } from "../table.ts";

/** Days before expiry at which the holder is reminded (SPEC §3). */
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
 * and for each active PIN send the reminder it is due, at most once per threshold: the threshold is first
 * recorded on the credential with a conditional write, and only the writer sends. A missed run does not
 * lose a reminder: the next run sends the most urgent one still due and marks the earlier ones as passed.
 */
export async function sendExpiryReminders(): Promise<ExpiryReminderSummary> {
  const TableName = required("TABLE_NAME");
  const { indexName } = tableDefinition.globalSecondaryIndexes.expiryReminders;
  const today = now();
  const summary: ExpiryReminderSummary = { examined: 0, sent: 0, byThreshold: {} };
  for (let offset = 0; offset <= REMINDER_DAYS[0]; offset++) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamodb.send(
        new QueryCommand({
          TableName,
          IndexName: indexName,
          KeyConditionExpression: "gsi2pk = :day",
          ExpressionAttributeValues: { ":day": `EXPIRY#${romeDate(addDays(today, offset))}` },
          ExclusiveStartKey,
        }),
      );
      ExclusiveStartKey = page.LastEvaluatedKey;
      for (const item of (page.Items ?? []) as Credential[]) {
        summary.examined++;
        const threshold = await claimReminder(item);
        if (threshold === undefined) continue;
        await deliverReminder(item, threshold);
        summary.sent++;
        summary.byThreshold[threshold] = (summary.byThreshold[threshold] ?? 0) + 1;
      }
    } while (ExclusiveStartKey);
  }
  return summary;
}

async function claimReminder(credential: Credential): Promise<number | undefined> {
  if (credential.status !== "active" || !credential.pinExpiresAt) return undefined;
  const daysLeft = Math.ceil((Date.parse(credential.pinExpiresAt) - now().getTime()) / DAY_MS);
  const threshold = dueThreshold(daysLeft);
  const already = credential.remindersSent ?? [];
  if (threshold === undefined || already.includes(threshold)) return undefined;
  const passed = REMINDER_DAYS.filter((d) => d >= threshold && !already.includes(d));
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName: required("TABLE_NAME"),
        Key: credentialKey(credential.codiceFiscale),
        UpdateExpression: "SET remindersSent = list_append(if_not_exists(remindersSent, :empty), :passed)",
        ConditionExpression:
          "#status = :active AND pinExpiresAt = :expiresAt AND NOT contains(remindersSent, :threshold)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":empty": [],
          ":passed": passed,
          ":active": "active",
          ":expiresAt": credential.pinExpiresAt,
          ":threshold": threshold,
        },
      }),
    );
    return threshold;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

async function deliverReminder(credential: Credential, threshold: number): Promise<void> {
  const { failed } = await notifyAll(
    credential.contacts,
    expiryReminder(threshold, credential.pinExpiresAt!),
  );
  if (failed.length) logger.warn("expiry reminder not delivered", { channels: failed, threshold });
  await recordAuditEvent({
    codiceFiscale: credential.codiceFiscale,
    type: "expiry-reminder-sent",
    channel: "system",
    actor: "job:expiry-reminders",
    outcome: failed.length ? "failure" : "success",
    details: { daysBefore: threshold },
  });
}
