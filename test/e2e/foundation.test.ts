import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { api, clearOutbox, endpoints, outbox, postJson, setClock } from "./helpers.ts";

function expectProblem(
  reply: { status: number; headers: Headers; body: { status: number; code: string } },
  status: number,
  code: string,
) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get("content-type")).toContain("application/problem+json");
  expect(reply.body).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}

describe("local stack foundation", () => {
  it("serves health and an empty outbox", async () => {
    const health = await api("/v1/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", stage: "local" });
    expect(health.headers.get("x-request-id")).toBeTruthy();
    expect(health.headers.get("strict-transport-security")).toBeTruthy();
    await clearOutbox();
    expect(await outbox()).toEqual({ sms: [], emails: [] });
  });

  it("writes endpoints.json, and every emulator in it answers the AWS SDK", async () => {
    const e = endpoints();
    expect(Object.keys(e).sort()).toEqual(
      [
        "api",
        "credentials",
        "dynamodb",
        "lettersBucket",
        "region",
        "s3",
        "ses",
        "sns",
        "tableName",
        "uploadsBucket",
      ].sort(),
    );
    const common = { region: e.region, credentials: e.credentials };
    const listed = await new S3Client({ ...common, endpoint: e.s3, forcePathStyle: true }).send(
      new ListObjectsV2Command({ Bucket: e.uploadsBucket }),
    );
    expect(listed.$metadata.httpStatusCode).toBe(200);
    await clearOutbox();
    await new SESv2Client({ ...common, endpoint: e.ses }).send(
      new SendEmailCommand({
        FromEmailAddress: "a@pin.local",
        Destination: { ToAddresses: ["b@example.org"] },
        Content: { Simple: { Subject: { Data: "hello" }, Body: { Text: { Data: "body" } } } },
      }),
    );
    await new SNSClient({ ...common, endpoint: e.sns }).send(
      new PublishCommand({ PhoneNumber: "+14155550100", Message: "sms body" }),
    );
    const box = await outbox();
    expect(box.emails).toMatchObject([{ to: "b@example.org", subject: "hello", text: "body" }]);
    expect(box.sms).toMatchObject([{ to: "+14155550100", text: "sms body" }]);
    await clearOutbox();
  });

  it("serves an OpenAPI 3.1 document of every route, generated from the schemas", async () => {
    const doc = await api("/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/health", "/v1/pin-requests", "/v1/sessions"]),
    );
    const body = doc.body.paths["/v1/pin-requests"].post.requestBody.content["application/json"].schema;
    expect(JSON.stringify(body)).toContain("partAChannel");
  });

  it("answers unknown routes, wrong methods and bad bodies with 4xx problem+json", async () => {
    expectProblem(await api("/v1/nope"), 404, "not-found");
    const wrongMethod = await api("/v1/health", { method: "DELETE" });
    expectProblem(wrongMethod, 405, "method-not-allowed");
    expect(wrongMethod.headers.get("allow")).toBe("GET");
    expectProblem(
      await api("/v1/sessions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      }),
      400,
      "malformed-json",
    );
    expectProblem(
      await api("/v1/sessions", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }),
      415,
      "unsupported-media-type",
    );
    expectProblem(
      await postJson("/v1/sessions", { codiceFiscale: "x".repeat(70_000), pin: "x" }),
      413,
      "payload-too-large",
    );
    const unknownField = await postJson("/v1/sessions", {
      codiceFiscale: "RSSMRA80A01H501U",
      pin: "ABCD1234",
      extra: 1,
    });
    expectProblem(unknownField, 400, "validation-failed");
    expect(unknownField.body.errors).toEqual([{ path: "extra", message: "Unknown field" }]);
    expectProblem(await postJson("/v1/sessions", []), 400, "validation-failed");
    expectProblem(await postJson("/_local/tokens", { kind: "nobody" }), 400, "validation-failed");
    expectProblem(await api("/_local/jobs/nope", { method: "POST" }), 404, "not-found");
  });

  it("shifts the service clock", async () => {
    await setClock(0);
    const before = Date.parse((await api("/v1/health")).body.time);
    await setClock(86_400);
    const after = Date.parse((await api("/v1/health")).body.time);
    await setClock(0);
    expect(after - before).toBeGreaterThan(86_000_000);
    expect((await api("/_local/clock")).body).toEqual({ offsetSeconds: 0 });
  });
});
