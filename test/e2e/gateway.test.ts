import { describe, expect, inject, it } from "vitest";
import { corsPolicy } from "#shared/platform/cors";
import { routes } from "#shared/routes";
import { api, postJson } from "./helpers.ts";

/** The local stack's web origin (WEB_ORIGIN): `localhost` on the gateway's port. */
const webOrigin = () => `http://localhost:${new URL(inject("apiUrl")).port}`;

function preflight(path: string, origin: string, method = "POST") {
  return api(path, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization,content-type",
    },
  });
}

describe("local gateway fidelity", () => {
  it("sets no header to the text undefined, nor Server or X-Powered-By", async () => {
    for (const reply of [
      await api("/v1/health"),
      await api("/v1/openapi.json"),
      await postJson("/v1/sessions", { codiceFiscale: "x" }),
      await api("/v1/nowhere"),
    ]) {
      for (const [name, value] of reply.headers) expect(value, name).not.toMatch(/undefined/);
      expect(reply.headers.get("server")).toBeNull();
      expect(reply.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("answers a preflight on every API route like API Gateway's CORS configuration", async () => {
    const origin = webOrigin();
    for (const route of routes) {
      const path = route.path.replace(/\{[^}]+\}/g, "7d2c5e0a-0000-4000-8000-000000000001");
      const reply = await preflight(path, origin, route.method);
      expect(reply.status, `${route.method} ${route.path}`).toBe(204);
      expect(reply.headers.get("access-control-allow-origin")).toBe(origin);
      expect(reply.headers.get("access-control-allow-methods")).toBe(corsPolicy.allowMethods.join(","));
      expect(reply.headers.get("access-control-allow-headers")).toBe(corsPolicy.allowHeaders.join(","));
      expect(reply.headers.get("access-control-max-age")).toBe(String(corsPolicy.maxAgeSeconds));
    }
  });

  it("gives another origin no CORS header, on a preflight or an answer", async () => {
    const stranger = "https://attacker.example";
    const refused = await preflight("/v1/pin-requests", stranger);
    expect(refused.status).toBe(204);
    expect([...refused.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    const answer = await api("/v1/health", { headers: { origin: stranger } });
    expect(answer.status).toBe(200);
    expect([...answer.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    const allowed = await api("/v1/health", { headers: { origin: webOrigin() } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(webOrigin());
  });
});
