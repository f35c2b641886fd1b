import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../local/dynamodb.ts";
import { FaultPlan, type FaultService, startFaultProxy } from "../../../local/faults.ts";
import { freePort } from "../../../local/ports.ts";
import { TEST_BUCKETS } from "../global-setup.ts";

const plan = new FaultPlan();
const stops: Array<() => Promise<void>> = [];
const endpoints = {} as Record<FaultService, string>;
let stubCalls = 0;

/** Stands in for SNS and SES: answers every call as they do when it works. */
function startStub(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      stubCalls++;
      if (req.url?.startsWith("/v2/")) {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ MessageId: "m-1" }));
        return;
      }
      res.setHeader("content-type", "text/xml");
      res.end(
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>',
      );
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const clients = {
  dynamodb: () => new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
  s3: () => new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true }),
  sns: (options = {}) => new SNSClient({ ...common, endpoint: endpoints.sns, ...options }),
  ses: () => new SESv2Client({ ...common, endpoint: endpoints.ses }),
};
const publish = new PublishCommand({ PhoneNumber: "+14155550123", Message: "hello" });
const email = new SendEmailCommand({
  FromEmailAddress: "no-reply@pin.test",
  Destination: { ToAddresses: ["someone@example.org"] },
  Content: { Simple: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } } },
});

beforeAll(async () => {
  const stub = await startStub();
  stops.push(() => new Promise((resolve) => stub.close(() => resolve())));
  const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  const targets: Record<FaultService, string> = {
    dynamodb: inject("dynamodbEndpoint"),
    s3: inject("s3Endpoint"),
    sns: stubUrl,
    ses: stubUrl,
  };
  for (const service of Object.keys(targets) as FaultService[]) {
    const proxy = await startFaultProxy(service, targets[service], plan, await freePort());
    stops.push(proxy.stop);
    endpoints[service] = proxy.endpoint;
  }
});
afterAll(async () => {
  for (const stop of stops) await stop();
});
beforeEach(() => {
  plan.clear();
  stubCalls = 0;
});

describe("fault proxies in front of the emulators", () => {
  it("pass every call through when nothing is armed", async () => {
    expect((await clients.dynamodb().send(new ListTablesCommand({}))).TableNames).toBeDefined();
    await clients
      .s3()
      .send(new PutObjectCommand({ Bucket: TEST_BUCKETS.letters, Key: "faults/ok.txt", Body: "x" }));
    expect((await clients.sns().send(publish)).MessageId).toBe("m-1");
    expect((await clients.ses().send(email)).MessageId).toBe("m-1");
    expect(stubCalls).toBe(2);
  });

  it("throttle DynamoDB as DynamoDB does: the SDK retries, then gives up with the service's exception", async () => {
    plan.arm({ service: "dynamodb", operation: "GetItem", mode: "throttle", count: 4 });
    const failure = await clients
      .dynamodb()
      .send(new GetItemCommand({ TableName: "none", Key: { pk: { S: "x" } } }))
      .catch((error) => error);
    expect(failure.name).toBe("ProvisionedThroughputExceededException");
    expect(failure.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 4 });
    expect(plan.list()).toEqual([]);
    // Other actions were never matched: the full target and the bare action name are the same pattern.
    plan.arm({ service: "dynamodb", operation: "DynamoDB_20120810.ListTables", mode: "error", count: 1 });
    const listed = await clients.dynamodb().send(new ListTablesCommand({}));
    expect(listed.$metadata.attempts).toBe(2);
  });

  it("fail SNS Publish and SES SendEmail with their own errors, and nothing reaches the provider", async () => {
    plan.arm({ service: "sns", operation: "Publish", mode: "error", count: 3 });
    plan.arm({ service: "ses", operation: "POST /v2/email/outbound-emails", mode: "throttle", count: 3 });
    const sms = await clients
      .sns()
      .send(publish)
      .catch((error) => error);
    expect(sms).toMatchObject({ name: "InternalErrorException", $fault: "server" });
    const mail = await clients
      .ses()
      .send(email)
      .catch((error) => error);
    expect(mail.name).toBe("TooManyRequestsException");
    expect(stubCalls).toBe(0);
  });

  it("fail only the S3 keys the pattern names", async () => {
    plan.arm({
      service: "s3",
      operation: `PUT /${TEST_BUCKETS.letters}/faults/*.json`,
      mode: "error",
      count: 3,
    });
    const put = (Key: string) =>
      clients.s3().send(new PutObjectCommand({ Bucket: TEST_BUCKETS.letters, Key, Body: "x" }));
    await put("faults/file.pdf");
    const failure = await put("faults/file.json").catch((error) => error);
    expect(failure).toMatchObject({ name: "InternalError", $metadata: { httpStatusCode: 500, attempts: 3 } });
  });

  it("hold a call unanswered until the SDK's socket timeout gives up on it; the held call is never delivered", async () => {
    plan.arm({ service: "sns", mode: "timeout", count: 1 });
    const started = Date.now();
    const failure = await clients
      .sns({ maxAttempts: 1, requestHandler: { socketTimeout: 300 } })
      .send(publish)
      .catch((error) => error);
    expect(failure.name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stubCalls).toBe(0);
    expect((await clients.sns().send(publish)).MessageId).toBe("m-1");
  });
});
