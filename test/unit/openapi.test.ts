import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, OPENAPI_DOCUMENT_FILE } from "#shared/openapi";
import { routes } from "#shared/routes";
import { toHttpApiEvent } from "../../local/events.ts";
import { pinRequestBody } from "../fixtures/requests.ts";

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
type Json = any;

// The function serves the document that synthesis (or the local stack) writes to a file.
const generated = buildOpenApiDocument();
const documentFile = join(mkdtempSync(join(tmpdir(), "pin-openapi-")), OPENAPI_DOCUMENT_FILE);
writeFileSync(documentFile, JSON.stringify(generated));
process.env.OPENAPI_DOCUMENT = documentFile;
process.env.WEB_ORIGIN ??= "http://localhost:3000";
const { handler } = await import("../../functions/http/openapi.ts");

const context = { awsRequestId: "r", getRemainingTimeInMillis: () => 1000 } as unknown as Context;
/** The document as served on `host`, the event as the local gateway builds it, or API Gateway's `proto`. */
async function served(host: string, proto?: string): Promise<Json> {
  const event = toHttpApiEvent(
    {
      method: "GET",
      url: "/v1/openapi.json",
      rawHeaders: [],
      body: Buffer.alloc(0),
      sourceIp: "1.2.3.4",
      host,
    },
    { routeKey: "GET /v1/openapi.json" },
  );
  if (proto) event.headers["x-forwarded-proto"] = proto;
  const result = (await handler(event, context)) as { body: string };
  return JSON.parse(result.body);
}

const document: Json = await served("api.pin.example.org", "https");
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, "openapi");

const pointer = (...segments: string[]) =>
  segments.map((s) => s.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
/** Whether `body` is valid against the request body schema of `method path`, as the document states it. */
function accepts(method: string, path: string, body: unknown): boolean {
  const ref = `openapi#/${pointer("paths", path, method, "requestBody", "content", "application/json", "schema")}`;
  return ajv.validate({ $ref: ref }, body) as boolean;
}

describe("the OpenAPI document", () => {
  it("passes Redocly's recommended rules, all as errors, with 0 problems", async () => {
    // No licence is published for this service: the only rule turned off.
    const config = await createConfig({ extends: ["recommended-strict"], rules: { "info-license": "off" } });
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: "openapi.json",
      config,
    });
    expect(problems.map((p) => `${p.ruleId} ${p.message} ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it("declares every route, with a unique operationId, its security and its problems", () => {
    const ids = new Set<string>();
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      const what = `${route.method} ${route.path}`;
      expect(operation, what).toBeDefined();
      expect(ids.has(operation.operationId), what).toBe(false);
      ids.add(operation.operationId);
      if (route.access.kind === "public" && !route.access.bearer)
        expect(operation.security, what).toEqual([]);
      else expect(operation.security.length, what).toBeGreaterThan(0);
      const statuses = Object.keys(operation.responses);
      expect(statuses, what).toContain("500");
      if (route.access.kind !== "public") expect(statuses, what).toContain("401");
      if (route.body) expect(statuses, what).toEqual(expect.arrayContaining(["400", "413", "415"]));
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(operation.responses[status].content["application/problem+json"].schema, what).toEqual({
          $ref: "#/components/schemas/Problem",
        });
      }
      for (const name of route.path.matchAll(/\{([^}]+)\}/g)) {
        expect(operation.parameters, what).toContainEqual(
          expect.objectContaining({ in: "path", name: name[1], required: true }),
        );
      }
      if (route.idempotent) {
        expect(operation.parameters, what).toContainEqual(
          expect.objectContaining({ in: "header", name: "Idempotency-Key" }),
        );
      }
      if (route.query) {
        for (const name of Object.keys(route.query.shape)) {
          expect(operation.parameters, what).toContainEqual(expect.objectContaining({ in: "query", name }));
        }
      }
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      "citizen",
      "identity",
      "operator",
    ]);
  });

  it("states the field rules the handlers enforce", () => {
    const valid = pinRequestBody();
    expect(accepts("post", "/v1/pin-requests", valid)).toBe(true);
    for (const [field, value] of [
      ["codiceFiscale", "RSSMRA80A01Z404"],
      ["codiceFiscale", "RSSMRA80Z01Z404R"],
      ["birthPlaceCode", "404Z"],
      ["birthDate", "1980-13-01"],
      ["surname", "   "],
      ["contacts", {}],
      ["contacts", { mobile: "4155550123" }],
      ["contacts", { email: "not an address" }],
      ["residence", { ...valid.residence, countryCode: "XY" }],
      ["healthCard", { number: "123", expiryDate: "2030-01-01" }],
    ] as const) {
      expect(
        accepts("post", "/v1/pin-requests", { ...valid, [field]: value }),
        `${field} ${JSON.stringify(value)}`,
      ).toBe(false);
    }
  });

  it("states the rules across fields", () => {
    const valid = pinRequestBody();
    const { codiceFiscale } = valid;
    // partAChannel names a contact the request gives.
    expect(accepts("post", "/v1/pin-requests", { ...valid, contacts: { email: "a@example.org" } })).toBe(
      false,
    );
    expect(
      accepts("post", "/v1/pin-requests", {
        ...valid,
        partAChannel: "email",
        contacts: { email: "a@example.org" },
      }),
    ).toBe(true);
    // Recovery: at least two registered contacts.
    expect(accepts("post", "/v1/recoveries", { codiceFiscale, mobile: "+14155550123" })).toBe(false);
    expect(
      accepts("post", "/v1/recoveries", { codiceFiscale, mobile: "+14155550123", pec: "a@pec.it" }),
    ).toBe(true);
    // Revocation: exactly one of email and pec.
    const healthCard = { number: "80380001200000000001", expiryDate: "2029-12-31" };
    expect(accepts("post", "/v1/revocations", { codiceFiscale, healthCard })).toBe(false);
    expect(
      accepts("post", "/v1/revocations", { codiceFiscale, healthCard, email: "a@b.it", pec: "a@pec.it" }),
    ).toBe(false);
    expect(accepts("post", "/v1/revocations", { codiceFiscale, healthCard, pec: "a@pec.it" })).toBe(true);
    // A rejection needs a reason.
    const decision = "/v1/operator/conversion-requests/{id}/decision";
    expect(accepts("post", decision, { decision: "rejected" })).toBe(false);
    expect(accepts("post", decision, { decision: "rejected", reason: "Unreadable scan" })).toBe(true);
    expect(accepts("post", decision, { decision: "approved" })).toBe(true);
    // A PIN change: one of the two shapes.
    expect(accepts("post", "/v1/pin-changes", { currentPin: "x" })).toBe(false);
    expect(accepts("post", "/v1/pin-changes", { currentPin: "ABCD1234", newPin: "K7Q2M9XA" })).toBe(true);
  });
});

describe("the OpenAPI function", () => {
  it("serves the generated document, naming the origin it was asked on with the scheme the client used", async () => {
    // Locally: the gateway says plain HTTP.
    const local = await served("127.0.0.1:3000");
    expect(local).toEqual({
      ...generated,
      servers: [{ url: "http://127.0.0.1:3000", description: expect.any(String) }],
    });
    // In AWS: API Gateway says HTTPS.
    const aws = await served("abc123.execute-api.eu-south-1.amazonaws.com", "https");
    expect(aws.servers[0].url).toBe("https://abc123.execute-api.eu-south-1.amazonaws.com");
  });
});
