import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { config, required, resetConfig } from "#shared/platform/config";
import { httpHandler, json } from "#shared/platform/http";
import { toHttpApiEvent } from "../../../local/events.ts";

/**
 * A deployment without a webOrigin: the function is given WEB_ORIGIN_PARAMETER and reads the origin through the
 * Parameters and Secrets extension on localhost. A real HTTP server stands in for the extension, answering as
 * it does (GetParameter's response) to callers that present the session token.
 */
const parameterName = "/pin/test/web-origin";
const distributionOrigin = "https://d111111abcdef8.cloudfront.net";
const sessionToken = "session-token-of-this-environment";

let extension: Server;
const asked: IncomingMessage[] = [];
const answers: Array<{ status: number; value?: string }> = [];

const context = { awsRequestId: "req-1", functionName: "f", getRemainingTimeInMillis: () => 1000 } as Context;
const saved = { ...process.env };

beforeAll(async () => {
  extension = createServer((request, response) => {
    asked.push(request);
    const answer = answers.shift() ?? { status: 200, value: distributionOrigin };
    const authorised = request.headers["x-aws-parameters-secrets-token"] === sessionToken;
    response.writeHead(authorised ? answer.status : 401, { "content-type": "application/json" });
    response.end(JSON.stringify({ Parameter: { Name: parameterName, Type: "String", Value: answer.value } }));
  });
  await new Promise<void>((resolve) => extension.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise<void>((resolve) => extension.close(() => resolve())));

beforeEach(() => {
  asked.length = 0;
  answers.length = 0;
  delete process.env.WEB_ORIGIN;
  process.env.WEB_ORIGIN_PARAMETER = parameterName;
  process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String((extension.address() as AddressInfo).port);
  process.env.AWS_SESSION_TOKEN = sessionToken;
  resetConfig();
});
afterEach(() => {
  process.env = { ...saved };
  resetConfig();
});

/** A handler that answers with the origin it sees, built as every HTTP function is. */
function originHandler() {
  return httpHandler({}, async () => json(200, { origin: required("WEB_ORIGIN") }));
}

async function call(handler: ReturnType<typeof originHandler>) {
  const event = toHttpApiEvent(
    {
      method: "GET",
      url: "/v1/origin",
      rawHeaders: ["Origin", "https://elsewhere.example"],
      body: Buffer.alloc(0),
      sourceIp: "127.0.0.1",
      host: "localhost",
    },
    { routeKey: "GET /v1/origin" },
  );
  const result = (await handler(event, context)) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  const headers = Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status: result.statusCode, headers, json: JSON.parse(result.body) };
}

describe("the web origin from its SSM parameter", () => {
  it("is read once, at the first invocation, from the extension with the session token", async () => {
    const handler = originHandler();
    // Not at module load or handler construction: the extension serves once the function's init is over.
    expect(asked).toHaveLength(0);
    expect(config().WEB_ORIGIN).toBeUndefined();

    const [first, second] = [await call(handler), await call(handler)];
    expect(first).toMatchObject({ status: 200, json: { origin: distributionOrigin } });
    expect(second).toMatchObject({ status: 200, json: { origin: distributionOrigin } });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.url).toBe(`/systemsmanager/parameters/get?name=${encodeURIComponent(parameterName)}`);
    // Pages and API share the distribution's origin: no CORS answer, even to a cross-origin caller.
    expect(first.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers a problem while the parameter cannot be read, and reads it again at the next invocation", async () => {
    answers.push({ status: 500 }, { status: 200, value: "https://pin.example.org/path" });
    const handler = originHandler();
    const failed = await call(handler);
    expect(failed.status).toBe(500);
    expect(failed.headers["content-type"]).toBe("application/problem+json");
    // A value that is not an origin is refused, not used.
    expect((await call(handler)).status).toBe(500);
    expect(config().WEB_ORIGIN).toBeUndefined();
    expect(await call(handler)).toMatchObject({ status: 200, json: { origin: distributionOrigin } });
    expect(asked).toHaveLength(3);
  });

  it("is never asked for when the function has a fixed origin, which CORS then allows", async () => {
    process.env.WEB_ORIGIN = "https://pin.example.org";
    resetConfig();
    const answer = await call(originHandler());
    expect(answer).toMatchObject({ status: 200, json: { origin: "https://pin.example.org" } });
    expect(asked).toHaveLength(0);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined(); // the caller is elsewhere
  });

  it("defaults to the local stack's origin when the function has neither, but never in Lambda", () => {
    delete process.env.WEB_ORIGIN_PARAMETER;
    resetConfig();
    expect(config().WEB_ORIGIN).toBe("http://localhost:3000");
    process.env.AWS_LAMBDA_FUNCTION_NAME = "Pin-dev-Service-LetterBatch";
    resetConfig();
    expect(() => required("WEB_ORIGIN")).toThrow("Missing environment variable WEB_ORIGIN");
  });
});
