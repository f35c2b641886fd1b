import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "#shared/platform/errors";
import { type HttpEvent, httpHandler, json, toFieldErrors } from "#shared/platform/http";
import { pinChangeSchema } from "#shared/sessions/session.schema";
import { fromHttpApiResult, toHttpApiEvent } from "../../../local/events.ts";

const context = {
  awsRequestId: "req-1",
  functionName: "f",
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function event(body: string | Buffer, contentType = "application/json"): HttpEvent {
  return toHttpApiEvent(
    {
      method: "POST",
      url: "/v1/things",
      rawHeaders: ["Content-Type", contentType, "Origin", "http://localhost:3000"],
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
      sourceIp: "127.0.0.1",
      host: "localhost",
    },
    { routeKey: "POST /v1/things" },
  );
}

const handler = httpHandler(
  { body: z.strictObject({ name: z.string().min(2), nested: z.strictObject({ n: z.number() }).optional() }) },
  async ({ body }) => {
    if (body.name === "boom") throw new Error("secret detail RSSMRA80A01H501U");
    if (body.name === "teapot") throw new AppError(418, "teapot", "I am a teapot", "Short and stout.");
    return json(201, { hello: body.name });
  },
);

async function call(e: HttpEvent) {
  const result = (await handler(e, context)) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  // Middlewares set headers in their own case; HTTP does not care, so compare them lower-cased.
  const headers = Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { ...result, headers, json: JSON.parse(result.body || "null") };
}

describe("the HTTP middy chain", () => {
  it("parses, validates and answers JSON with security headers", async () => {
    const ok = await call(event('{"name":"Anna"}'));
    expect(ok.statusCode).toBe(201);
    expect(ok.json).toEqual({ hello: "Anna" });
    expect(ok.headers["content-type"]).toBe("application/json");
    expect(ok.headers["cache-control"]).toBe("no-store");
    expect(ok.headers["strict-transport-security"]).toBeDefined();
    expect(ok.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
  });

  it("sets no header it means to leave out, after the result's trip through JSON as in Lambda", async () => {
    for (const body of ['{"name":"Anna"}', "{bad"]) {
      const result = await handler(event(body), context);
      const reply = fromHttpApiResult(JSON.parse(JSON.stringify(result)));
      const local = fromHttpApiResult(result as never);
      for (const headers of [reply.headers, local.headers]) {
        for (const [name, value] of Object.entries(headers)) {
          expect(value, name).not.toMatch(/^$|undefined/);
        }
        expect(headers.server).toBeUndefined();
        expect(headers["x-powered-by"]).toBeUndefined();
      }
    }
  });

  it.each([
    ["{bad", "application/json", 400, "malformed-json"],
    ['{"name":"Anna"}', "text/plain", 415, "unsupported-media-type"],
    [`{"name":"${"a".repeat(70_000)}"}`, "application/json", 413, "payload-too-large"],
    ['{"name":"A"}', "application/json", 400, "validation-failed"],
    ["[]", "application/json", 400, "validation-failed"],
    ["", "application/json", 400, "malformed-json"],
    ['{"name":"teapot"}', "application/json", 418, "teapot"],
  ])("answers %s (%s) with %i %s as problem+json", async (body, type, status, code) => {
    const reply = await call(event(body, type));
    expect(reply.statusCode).toBe(status);
    expect(reply.headers["content-type"]).toBe("application/problem+json");
    expect(reply.json).toMatchObject({ status, code, type: "about:blank", instance: "/v1/things" });
  });

  it("reports unknown fields and nested paths", async () => {
    const reply = await call(event('{"name":"Anna","extra":1,"nested":{"n":"x","m":2}}'));
    expect(reply.json.errors).toEqual(
      expect.arrayContaining([
        { path: "extra", message: "Unknown field" },
        { path: "nested.m", message: "Unknown field" },
        { path: "nested.n", message: expect.any(String) },
      ]),
    );
  });

  it("says what a union takes, and what the closest option misses", () => {
    const errors = toFieldErrors(pinChangeSchema.safeParse({ currentPin: "x" }).error!);
    expect(errors).toEqual([
      {
        path: "",
        message: expect.stringMatching(/^Send either changeToken and newPin, or currentPin and newPin/),
      },
      { path: "newPin", message: expect.any(String) },
    ]);
    // No option is closer than another: the union's message alone.
    expect(toFieldErrors(pinChangeSchema.safeParse({}).error!)).toEqual([
      { path: "", message: expect.stringMatching(/^Send either/) },
    ]);
  });

  it("hides unexpected errors behind a bare 500", async () => {
    const reply = await call(event('{"name":"boom"}'));
    expect(reply.statusCode).toBe(500);
    expect(reply.json).toMatchObject({ code: "internal-error", detail: "Something went wrong on our side." });
    expect(reply.body).not.toContain("RSSMRA80A01H501U");
  });
});
