import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { Context, DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { noticeItems, type OutboxItem } from "#shared/notifications/outbox.store";
import { resetConfig } from "#shared/platform/config";
import { httpHandler, json } from "#shared/platform/http";
import { logger } from "#shared/platform/logger";
import { handler as notifier } from "../../../functions/jobs/notifier.ts";
import { toHttpApiEvent } from "../../../local/events.ts";

const dynamodb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
const environment = { TABLE_NAME: "pin-test", SENDER_EMAIL: "no-reply@pin.test", AWS_REGION: "eu-south-1" };
const saved = Object.fromEntries(Object.keys(environment).map((key) => [key, process.env[key]]));

beforeAll(() => {
  Object.assign(process.env, environment);
  resetConfig();
  sns.on(PublishCommand).resolves({ MessageId: "m" });
  ses.on(SendEmailCommand).resolves({ MessageId: "e" });
  dynamodb.on(UpdateCommand).resolves({});
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

/** The JSON lines written to stdout while `fn` runs. */
async function linesOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string) => {
    lines.push(...String(chunk).split("\n"));
    return true;
  }) as never);
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

const context = (name: string) =>
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
    const requestLines = await linesOf(async () => {
      result = (await queueing(event, context("http"))) as typeof result;
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
    const notifierLines = await linesOf(() => notifier(stream, context("notifier")));
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
      await linesOf(() => notifier({ Records: [] }, context("notifier")));
      return noticeItems({ type: "t", to: { email: "a@example.org" }, message: { subject: "s", text: "t" } });
    })();
    expect((put!.Put!.Item as OutboxItem).requestId).toBeUndefined();
  });
});
