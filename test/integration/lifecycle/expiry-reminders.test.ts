import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Credential, credentialKey } from "#shared/credentials/credential.model";
import { expiryIndexAttributes } from "#shared/credentials/credential.store";
import { sendExpiryReminders } from "#shared/expiry/expiry-reminders.service";
import { dynamodb } from "#shared/platform/clients";
import { addDays, now, setClockOffsetSeconds } from "#shared/platform/clock";
import { randomId } from "#shared/platform/random";
import { makeCitizenN } from "../../fixtures/citizens.ts";

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
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
  return person.codiceFiscale;
}

const remindersTo = (days: number) =>
  ses
    .commandCalls(SendEmailCommand)
    .filter((c) => (c.args[0].input.Content?.Simple?.Body?.Text?.Data ?? "").includes(` ${days} giorn`));

describe("expiry reminders (F15) on DynamoDB Local", () => {
  beforeEach(() => {
    sns.reset();
    ses.reset();
    sns.on(PublishCommand).resolves({});
    ses.on(SendEmailCommand).resolves({});
  });
  afterEach(() => setClockOffsetSeconds(0));

  it("sends the 30, 7 and 1-day reminders once each, through the index, to every contact", async () => {
    await activeHolder(30);
    await activeHolder(7);
    await activeHolder(1);
    await activeHolder(45);
    await activeHolder(7, "revoked");
    const first = await sendExpiryReminders();
    expect(first.byThreshold).toMatchObject({ 30: 1, 7: 1, 1: 1 });
    expect(first.sent).toBe(3);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(3);
    expect(remindersTo(30)).toHaveLength(1);
    expect(remindersTo(7)).toHaveLength(1);
    expect(remindersTo(1)).toHaveLength(1);

    const again = await sendExpiryReminders();
    expect(again.sent).toBe(0);

    // A week later the 30-day holder is due its 7-day reminder, and the 45-day one its 30-day reminder.
    setClockOffsetSeconds(23 * 86_400);
    const later = await sendExpiryReminders();
    expect(later.byThreshold).toMatchObject({ 7: 1, 30: 1 });
  });

  it("sends each reminder once even when two jobs run at once", async () => {
    await activeHolder(7);
    const [a, b] = await Promise.all([sendExpiryReminders(), sendExpiryReminders()]);
    expect(a.sent + b.sent).toBe(1);
  });
});
