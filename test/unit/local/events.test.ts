import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { functionDefinitions } from "#shared/functions";
import { jobDefinitions } from "#shared/jobs";
import { fromHttpApiResult, lambdaContext, toHttpApiEvent } from "../../../local/events.ts";
import { entryPath } from "../../../local/functions.ts";
import { isDue } from "../../../local/scheduler.ts";

const request = {
  method: "post",
  url: "/v1/conversion-requests/abc-123/submit?x=1&y=2&x=3&empty=",
  rawHeaders: [
    "Host",
    "localhost:3000",
    "Content-Type",
    "application/json",
    "X-Multi",
    "a",
    "x-multi",
    "b",
    "Cookie",
    "a=1; b=2",
    "User-Agent",
    "curl/8",
  ],
  body: Buffer.from('{"k":"v"}'),
  sourceIp: "127.0.0.1",
  host: "localhost:3000",
};

describe("payload 2.0 events", () => {
  it("has the fields API Gateway sets, in its format", () => {
    const event = toHttpApiEvent(
      request,
      { routeKey: "POST /v1/conversion-requests/{id}/submit", pathParameters: { id: "abc-123" } },
      new Date("2020-03-12T19:03:58Z"),
    );
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /v1/conversion-requests/{id}/submit",
      rawPath: "/v1/conversion-requests/abc-123/submit",
      rawQueryString: "x=1&y=2&x=3&empty=",
      cookies: ["a=1", "b=2"],
      queryStringParameters: { x: "1,3", y: "2", empty: "" },
      pathParameters: { id: "abc-123" },
      body: '{"k":"v"}',
      isBase64Encoded: false,
      requestContext: {
        http: {
          method: "POST",
          path: "/v1/conversion-requests/abc-123/submit",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "curl/8",
        },
        routeKey: "POST /v1/conversion-requests/{id}/submit",
        stage: "$default",
        time: "12/Mar/2020:19:03:58 +0000",
        timeEpoch: Date.parse("2020-03-12T19:03:58Z"),
        domainName: "localhost:3000",
      },
    });
    expect(event.headers).toEqual({
      host: "localhost:3000",
      "content-type": "application/json",
      "x-multi": "a,b",
      "user-agent": "curl/8",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-port": "3000",
      "x-forwarded-proto": "http",
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("base64-encodes binary bodies and leaves out what is absent", () => {
    const binary = toHttpApiEvent(
      {
        ...request,
        url: "/v1/x",
        rawHeaders: ["Content-Type", "application/pdf"],
        body: Buffer.from([0, 255, 1]),
      },
      { routeKey: "$default" },
    );
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, "base64")).toEqual(Buffer.from([0, 255, 1]));
    expect(binary.rawQueryString).toBe("");
    expect(binary.queryStringParameters).toBeUndefined();
    expect(binary.pathParameters).toBeUndefined();
    expect(binary.cookies).toBeUndefined();
    const empty = toHttpApiEvent({ ...request, body: Buffer.alloc(0) }, { routeKey: "$default" });
    expect(empty.body).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
  });

  it("maps results like API Gateway: structured, base64, or a bare value as 200 JSON", () => {
    expect(
      fromHttpApiResult({ statusCode: 201, headers: { "X-A": "1" }, body: "hi", cookies: ["c=1"] }),
    ).toEqual({
      statusCode: 201,
      headers: { "x-a": "1" },
      cookies: ["c=1"],
      body: Buffer.from("hi"),
    });
    expect(
      fromHttpApiResult({
        statusCode: 200,
        body: Buffer.from("pdf").toString("base64"),
        isBase64Encoded: true,
      }).body.toString(),
    ).toBe("pdf");
    // Lambda returns the result as JSON, where a header set to undefined does not exist.
    expect(
      fromHttpApiResult({ statusCode: 204, headers: { Server: undefined, "X-A": "1" } as never }).headers,
    ).toEqual({ "x-a": "1" });
    expect(fromHttpApiResult({ ok: true } as never)).toMatchObject({
      statusCode: 200,
      body: Buffer.from('{"ok":true}'),
    });
  });

  it("counts the remaining time down from the function's timeout", () => {
    const context = lambdaContext("letterBatch", 900, 1536);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(899_000);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(900_000);
    expect(context.memoryLimitInMB).toBe("1536");
  });
});

describe("jobs", () => {
  it("run the entry files CDK deploys", () => {
    for (const job of jobDefinitions) {
      expect(entryPath(job.functionName)).toBe(resolve(functionDefinitions[job.functionName].entry));
    }
  });

  it("are due once a day from their Europe/Rome time", () => {
    const letterBatch = jobDefinitions.find((j) => j.name === "letter-batch")!;
    // 00:30 UTC in winter is 01:30 in Rome: not yet; 01:05 UTC is 02:05 in Rome: due, unless it ran that day.
    expect(isDue(letterBatch, new Date("2026-01-10T00:30:00Z"), undefined)).toBe(false);
    expect(isDue(letterBatch, new Date("2026-01-10T01:05:00Z"), undefined)).toBe(true);
    expect(isDue(letterBatch, new Date("2026-01-10T01:05:00Z"), "2026-01-10")).toBe(false);
    // Summer time: 02:00 in Rome is 00:00 UTC.
    expect(isDue(letterBatch, new Date("2026-07-10T00:01:00Z"), "2026-07-09")).toBe(true);
  });
});
