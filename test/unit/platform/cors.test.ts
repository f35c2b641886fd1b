import { describe, expect, it } from "vitest";
import { corsPolicy, preflightHeaders, responseCorsHeaders } from "#shared/platform/cors";

const web = "https://pin.example.it";

describe("CORS, as API Gateway applies the shared policy", () => {
  it("answers a preflight from the web origin with the configured methods, headers and max age", () => {
    expect(preflightHeaders(web, [web])).toEqual({
      "access-control-allow-origin": web,
      "access-control-allow-methods": "GET,POST,PATCH,DELETE,OPTIONS",
      "access-control-allow-headers": "authorization,content-type,idempotency-key",
      "access-control-max-age": String(corsPolicy.maxAgeSeconds),
    });
    expect(responseCorsHeaders(web, [web])).toEqual({ "access-control-allow-origin": web });
  });

  it("gives another origin, or none, no CORS header at all", () => {
    for (const origin of ["https://evil.example", `${web}.evil.example`, "null", undefined]) {
      expect(preflightHeaders(origin, [web])).toEqual({});
      expect(responseCorsHeaders(origin, [web])).toEqual({});
    }
  });
});
