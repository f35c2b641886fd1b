import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { streamConsumers } from "#shared/functions";
import { CLAIM_LEASE_MS, deliverNotice } from "#shared/notifications/notifier";
import { noticeItems, type OutboxItem } from "#shared/notifications/outbox.store";
import { resetConfig } from "#shared/platform/config";
import { httpHandler, json } from "#shared/platform/http";
import { logger } from "#shared/platform/logger";
import { handler } from "../../../functions/jobs/notifier.ts";
import { toHttpApiEvent } from "../../../local/events.ts";
import { matchesFilter, toLambdaRecord } from "../../../local/streams.ts";
import { stdoutJsonLinesOf } from "../../fixtures/emf.ts";

const dynamodb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);

const environment = { TABLE_NAME: "pin-test", SENDER_EMAIL: "no-reply@pin.test", AWS_REGION: "eu-south-1" };
const saved = Object.fromEntries(Object.keys(environment).map((key) => [key, process.env[key]]));
beforeAll(() => {
  Object.assign(process.env, environment);
  resetConfig();
});
afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetConfig();
  dynamodb.restore();
  sns.restore();
  ses.restore();
});

beforeEach(() => {
  dynamodb.reset();
  sns.reset();
  ses.reset();
  sns.on(PublishCommand).resolves({ MessageId: "m" });
  ses.on(SendEmailCommand).resolves({ MessageId: "e" });
  dynamodb.on(UpdateCommand).resolves({});
});

/** An outbox item as noticeItems() writes it: the notifier reads exactly this from the stream. */
function outboxItem(): OutboxItem {
  const [item] = noticeItems({
    type: "pin-locked",
    to: { mobile: "+14155550123", email: "holder@example.org" },
    message: { subject: "PIN bloccato / PIN locked", text: "locked" },
  });
  return item!.Put!.Item as OutboxItem;
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

/** The claim writes: updates that SET a delivery to `sending`. */
const claims = () =>
  dynamodb
    .commandCalls(UpdateCommand)
    .filter(
      (call) =>
        (call.args[0].input.ExpressionAttributeValues?.[":delivery"] as { state?: string })?.state ===
        "sending",
    );

describe("notifier: idempotent delivery of outbox notices", () => {
  it("claims each recipient's delivery before sending, then records it as sent", async () => {
    const item = outboxItem();
    const result = await deliverNotice(item);

    expect(result).toEqual({ outcomes: { "0-sms": "sent", "1-email": "sent" }, retry: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.PhoneNumber).toBe("+14155550123");
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Destination?.ToAddresses).toEqual([
      "holder@example.org",
    ]);
    expect(claims()).toHaveLength(2);
    for (const call of claims()) {
      const input = call.args[0].input;
      expect(input.Key).toEqual({ pk: item.pk, sk: "NOTICE" });
      // Only a delivery nobody recorded, or whose claim's lease ran out, can be claimed.
      expect(input.ConditionExpression).toBe(
        "attribute_exists(pk) AND (attribute_not_exists(deliveries.#key) OR " +
          "(deliveries.#key.#state = :sending AND deliveries.#key.#until <= :now))",
      );
      const claim = input.ExpressionAttributeValues?.[":delivery"] as { until: number };
      expect(claim.until - (input.ExpressionAttributeValues?.[":now"] as number)).toBe(CLAIM_LEASE_MS);
    }
    const recorded = dynamodb
      .commandCalls(UpdateCommand)
      .filter(
        (call) =>
          (call.args[0].input.ExpressionAttributeValues?.[":delivery"] as { state?: string })?.state ===
          "sent",
      );
    expect(recorded.map((call) => call.args[0].input.ExpressionAttributeNames?.["#key"]).sort()).toEqual([
      "0-sms",
      "1-email",
    ]);
    // A delivery is recorded only by the claim that sent it.
    for (const call of recorded)
      expect(call.args[0].input.ConditionExpression).toBe("deliveries.#key.#claim = :claim");
  });

  it("sends nothing again for a redelivered record whose deliveries are recorded", async () => {
    dynamodb.on(UpdateCommand).rejects(conditionFailed());
    dynamodb.on(GetCommand).resolves({
      Item: {
        deliveries: {
          "0-sms": { state: "sent", claim: "c1", at: "2026-01-01T00:00:00Z" },
          "1-email": { state: "sent", claim: "c2", at: "2026-01-01T00:00:00Z" },
        },
      },
    });
    const result = await deliverNotice(outboxItem());
    expect(result).toEqual({
      outcomes: { "0-sms": "already-sent", "1-email": "already-sent" },
      retry: false,
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    // The check is a consistent read: an eventually consistent one could miss a delivery just recorded.
    expect(dynamodb.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });

  it("releases only the failed channel's claim and asks for a retry; the retry sends only that channel", async () => {
    sns.on(PublishCommand).rejectsOnce(new Error("SMS provider down")).resolves({ MessageId: "m" });
    const item = outboxItem();
    const first = await deliverNotice(item);
    expect(first).toEqual({ outcomes: { "0-sms": "failed", "1-email": "sent" }, retry: true });
    const release = dynamodb
      .commandCalls(UpdateCommand)
      .find((call) => call.args[0].input.UpdateExpression === "REMOVE deliveries.#key");
    expect(release?.args[0].input.ExpressionAttributeNames?.["#key"]).toBe("0-sms");
    expect(release?.args[0].input.ConditionExpression).toBe("deliveries.#key.#claim = :claim");

    // The retry: the e-mail's delivery is recorded (its claim fails), the SMS is free again.
    dynamodb.reset();
    dynamodb
      .on(UpdateCommand)
      .resolves({})
      .on(UpdateCommand, {
        ExpressionAttributeNames: { "#key": "1-email", "#state": "state", "#until": "until" },
      })
      .rejects(conditionFailed());
    dynamodb.on(GetCommand).resolves({
      Item: { deliveries: { "1-email": { state: "sent", claim: "c", at: "2026-01-01T00:00:00Z" } } },
    });
    const second = await deliverNotice(item);
    expect(second).toEqual({ outcomes: { "0-sms": "sent", "1-email": "already-sent" }, retry: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it("leaves a delivery claimed by a live invocation alone, and retries later", async () => {
    dynamodb.on(UpdateCommand).rejects(conditionFailed());
    dynamodb.on(GetCommand).resolves({
      Item: {
        deliveries: { "0-sms": { state: "sending", claim: "other", until: Date.now() + CLAIM_LEASE_MS } },
      },
    });
    const result = await deliverNotice(outboxItem(), { remainingMs: () => 10_000 });
    expect(result.outcomes["0-sms"]).toBe("busy");
    expect(result.retry).toBe(true);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("takes over a claim whose lease is about to run out when the invocation has the time", async () => {
    dynamodb
      .on(UpdateCommand, {
        ExpressionAttributeNames: { "#key": "0-sms", "#state": "state", "#until": "until" },
      })
      .rejectsOnce(conditionFailed())
      .resolves({});
    dynamodb.on(GetCommand).resolves({
      Item: { deliveries: { "0-sms": { state: "sending", claim: "dead", until: Date.now() + 50 } } },
    });
    const result = await deliverNotice(outboxItem(), { remainingMs: () => 20_000 });
    expect(result).toEqual({ outcomes: { "0-sms": "sent", "1-email": "sent" }, retry: false });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("treats a notice removed by TTL as nothing left to deliver", async () => {
    dynamodb.on(UpdateCommand).rejects(conditionFailed());
    dynamodb.on(GetCommand).resolves({});
    expect(await deliverNotice(outboxItem())).toEqual({
      outcomes: { "0-sms": "gone", "1-email": "gone" },
      retry: false,
    });
  });
});

describe("notifier handler", () => {
  const context = {
    awsRequestId: "r",
    functionName: "notifier",
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context;

  function streamRecord(item: object, sequence: string, eventName = "INSERT"): DynamoDBRecord {
    return {
      eventName: eventName as "INSERT",
      dynamodb: {
        SequenceNumber: sequence,
        NewImage: marshall(item as Record<string, unknown>, { removeUndefinedValues: true }) as never,
      },
    };
  }

  it("reports the records that still have a recipient waiting, and skips what is not an outbox insert", async () => {
    sns.on(PublishCommand).rejectsOnce(new Error("down")).resolves({ MessageId: "m" });
    const failing = outboxItem();
    failing.recipients = [failing.recipients[0]!];
    const fine = outboxItem();
    fine.recipients = [fine.recipients[1]!];
    const result = await handler(
      {
        Records: [
          streamRecord(failing, "100"),
          streamRecord(fine, "101"),
          streamRecord({ pk: "CF#X", sk: "CREDENTIAL", kind: "credential" }, "102"),
          streamRecord(fine, "103", "MODIFY"),
        ],
      },
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "100" }] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(claims()).toHaveLength(2);
  });
});

describe("the notifier's stream filter", () => {
  const [consumer] = streamConsumers;
  const record = (eventName: string, image: object) =>
    toLambdaRecord(
      {
        eventName: eventName as "INSERT",
        dynamodb: { NewImage: marshall(image as Record<string, unknown>) as never, SequenceNumber: "1" },
      },
      "arn:stream",
      "eu-south-1",
    );

  it("lets new outbox items through, and nothing else", () => {
    expect(consumer?.functionName).toBe("notifier");
    expect(matchesFilter(consumer!.filter, record("INSERT", outboxItem()))).toBe(true);
    expect(matchesFilter(consumer!.filter, record("MODIFY", outboxItem()))).toBe(false);
    expect(
      matchesFilter(consumer!.filter, record("INSERT", { pk: "CF#X", sk: "CREDENTIAL", kind: "credential" })),
    ).toBe(false);
  });
});

const invocation = (name: string) =>
  ({ awsRequestId: `lambda-${name}`, functionName: name, getRemainingTimeInMillis: () => 30_000 }) as Context;

/** A handler that logs twice and queues a notice, as a service does in its transaction. */
const queueing = httpHandler({}, async () => {
  logger.info("before the change");
  const [put] = noticeItems({
    type: "pin-locked",
    to: { mobile: "+14155550123", email: "holder@example.org" },
    message: { subject: "PIN bloccato / PIN locked", text: "locked" },
  });
  logger.info("after the change");
  return json(200, put!.Put!.Item);
});

describe("one request id from the request to the notifier", () => {
  it("is on every log line of the request, in the outbox item, and on the notifier's lines for it", async () => {
    const event = toHttpApiEvent(
      { method: "POST", url: "/v1/x", rawHeaders: [], body: Buffer.alloc(0), sourceIp: "1.2.3.4", host: "h" },
      { routeKey: "POST /v1/x" },
    );
    let result: { headers: Record<string, string>; body: string } | undefined;
    const requestLines = await stdoutJsonLinesOf(async () => {
      result = (await queueing(event, invocation("http"))) as typeof result;
    });
    const requestId = result!.headers["x-request-id"]!;
    expect(requestId).toBe(event.requestContext.requestId);
    const logLines = requestLines.filter((line) => "level" in line);
    expect(logLines.map((line) => line.message)).toEqual(["before the change", "after the change"]);
    for (const line of logLines) expect(line.correlation_id).toBe(requestId);
    const item = JSON.parse(result!.body) as OutboxItem;
    expect(item.requestId).toBe(requestId);

    // The notifier, another function and invocation, reads the item from the stream.
    const stream: DynamoDBStreamEvent = {
      Records: [
        {
          eventName: "INSERT",
          dynamodb: {
            SequenceNumber: "1",
            NewImage: marshall(item, { removeUndefinedValues: true }) as never,
          },
        },
      ],
    };
    const notifierLines = await stdoutJsonLinesOf(() => handler(stream, invocation("notifier")));
    const delivered = notifierLines.filter((line) => line.message === "notice delivered");
    expect(delivered).toHaveLength(2);
    for (const line of delivered) expect(line.correlation_id).toBe(requestId);
    // The metrics of the same invocation carry no id of any kind.
    const emf = notifierLines.filter((line) => "_aws" in line);
    expect(emf.map((line) => line.NoticeDelivered)).toEqual([1, 1]);
    for (const line of emf) expect(JSON.stringify(line)).not.toContain(requestId);
  });

  it("a request's id does not outlive it: the next invocation starts without one", async () => {
    const [put] = await (async () => {
      await stdoutJsonLinesOf(() => handler({ Records: [] }, invocation("notifier")));
      return noticeItems({ type: "t", to: { email: "a@example.org" }, message: { subject: "s", text: "t" } });
    })();
    expect((put!.Put!.Item as OutboxItem).requestId).toBeUndefined();
  });
});
