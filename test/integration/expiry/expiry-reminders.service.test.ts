import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Credential, credentialKey } from "#shared/credentials/credential.model";
import { expiryIndexAttributes } from "#shared/credentials/credential.store";
import { sendExpiryReminders } from "#shared/expiry/expiry-reminders.service";
import type { OutboxItem } from "#shared/notifications/outbox.store";
import { addDays, now, setClockOffsetSeconds } from "#shared/platform/clock";
import { dynamodb } from "#shared/platform/dynamodb-client";
import { randomId } from "#shared/platform/random";
import { makeCitizenN } from "../../fixtures/citizens.ts";

const sns = mockClient(SNSClient);
let next = 7000;

async function activeHolder(daysToExpiry: number, status: Credential["status"] = "active") {
  const person = makeCitizenN(next++);
  const pinExpiresAt = addDays(now(), daysToExpiry).toISOString();
  const credentialId = randomId();
  await dynamodb.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        ...credentialKey(person.codiceFiscale),
        ...expiryIndexAttributes({ credentialId }, pinExpiresAt),
        credentialId,
        codiceFiscale: person.codiceFiscale,
        status,
        pinExpiresAt,
        remindersSent: [],
        contacts: {
          mobile: `+1415555${String(next).slice(-4)}`,
          email: `${person.codiceFiscale.toLowerCase()}@example.org`,
        },
        version: 1,
        failures: 0,
      },
    }),
  );
  return `${person.codiceFiscale.toLowerCase()}@example.org`;
}

/** The reminder notices queued in the outbox for the holder with this e-mail (a test may Scan). */
async function remindersQueuedFor(email: string): Promise<OutboxItem[]> {
  const { Items } = await dynamodb.send(
    new ScanCommand({
      TableName: process.env.TABLE_NAME,
      FilterExpression: "kind = :outbox AND #type = :reminder",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: { ":outbox": "outbox", ":reminder": "expiry-reminder" },
      ConsistentRead: true,
    }),
  );
  return ((Items ?? []) as OutboxItem[]).filter((item) => item.recipients.some((r) => r.to === email));
}

const daysIn = (notices: OutboxItem[]) =>
  notices.map((n) => Number(/ (\d+) giorn/.exec(n.message.text)?.[1])).sort((a, b) => b - a);

describe("expiry reminders (F15) on DynamoDB Local", () => {
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).rejects(new Error("the job sends nothing itself"));
  });
  afterEach(() => setClockOffsetSeconds(0));

  it("queues the 30, 7 and 1-day reminders once each, through the index, to every contact", async () => {
    const in30 = await activeHolder(30);
    const in7 = await activeHolder(7);
    const in1 = await activeHolder(1);
    const in45 = await activeHolder(45);
    const revoked = await activeHolder(7, "revoked");
    const first = await sendExpiryReminders();
    expect(first.byThreshold).toMatchObject({ 30: 1, 7: 1, 1: 1 });
    expect(first.sent).toBe(3);
    expect(daysIn(await remindersQueuedFor(in30))).toEqual([30]);
    expect(daysIn(await remindersQueuedFor(in7))).toEqual([7]);
    expect(daysIn(await remindersQueuedFor(in1))).toEqual([1]);
    expect(await remindersQueuedFor(in45)).toEqual([]);
    expect(await remindersQueuedFor(revoked)).toEqual([]);
    // The notice goes to every registered contact, through the notifier: the job sends nothing itself.
    expect((await remindersQueuedFor(in7))[0]?.recipients.map((r) => r.channel)).toEqual(["sms", "email"]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);

    const again = await sendExpiryReminders();
    expect(again.sent).toBe(0);
    expect(daysIn(await remindersQueuedFor(in30))).toEqual([30]);

    // A week later the 30-day holder is due its 7-day reminder, and the 45-day one its 30-day reminder.
    setClockOffsetSeconds(23 * 86_400);
    const later = await sendExpiryReminders();
    expect(later.byThreshold).toMatchObject({ 7: 1, 30: 1 });
    expect(daysIn(await remindersQueuedFor(in30))).toEqual([30, 7]);
    expect(daysIn(await remindersQueuedFor(in45))).toEqual([30]);
  });

  it("queues each reminder once even when two jobs run at once", async () => {
    const email = await activeHolder(7);
    const [a, b] = await Promise.all([sendExpiryReminders(), sendExpiryReminders()]);
    expect(a.sent + b.sent).toBe(1);
    expect(await remindersQueuedFor(email)).toHaveLength(1);
  });
});
