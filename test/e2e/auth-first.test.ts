import { describe, expect, it } from "vitest";
import { routes } from "#shared/routes";
import { api, postJson } from "./helpers.ts";

const garbageBodies = ['{"validity":"bogus","codiceFiscale":"x","phonePin":""}', "{not json", "[]"];

function call(method: string, path: string, body: string, authorization?: string) {
  return api(path, {
    method,
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    ...(method === "GET" ? {} : { body }),
  });
}

describe("authentication before validation", () => {
  const guarded = routes.filter((route) => route.access.kind !== "public");

  it("covers every kind of guarded route", () => {
    expect(new Set(guarded.map((route) => route.access.kind))).toEqual(
      new Set(["citizen", "identity", "citizen-or-identity", "operator"]),
    );
  });

  it("answers 401 with no field details to a caller with no token or a wrong one, whatever the body", async () => {
    for (const route of guarded) {
      const path = route.path.replace(/\{[^}]+\}/g, "RSSMRA80A01Z404R");
      for (const authorization of [undefined, "Bearer not-a-token", "Basic dXNlcjpwYXNz"]) {
        for (const body of route.method === "GET" ? [""] : garbageBodies) {
          const reply = await call(route.method, path, body, authorization);
          const what = `${route.method} ${route.path} ${authorization ?? "(no token)"} ${body}`;
          expect(reply.status, what).toBe(401);
          expect(reply.headers.get("content-type"), what).toBe("application/problem+json");
          expect(reply.headers.get("www-authenticate"), what).toBe("Bearer");
          expect(reply.body.errors, what).toBeUndefined();
        }
      }
    }
  });

  it("asks a PIN change with the current PIN for the access token first, and still takes a change token alone", async () => {
    for (const body of [{ currentPin: "x" }, { currentPin: "ABCD1234", newPin: "WXYZ9876" }, {}, []]) {
      const reply = await postJson("/v1/pin-changes", body);
      expect(reply.status, JSON.stringify(body)).toBe(401);
      expect(reply.body.errors).toBeUndefined();
    }
    const wrongToken = await postJson(
      "/v1/pin-changes",
      { currentPin: "x" },
      { authorization: "Bearer not-a-token" },
    );
    expect(wrongToken.status).toBe(401);
    // The change-token variant needs no access token: its body is validated, then the token is checked.
    const invalid = await postJson("/v1/pin-changes", { changeToken: "", newPin: "ABCD1234" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "changeToken" })]),
    );
    const unknown = await postJson("/v1/pin-changes", {
      changeToken: "0123456789abcdef0123456789abcdef",
      newPin: "ABCD1234",
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe("invalid-token");
  });
});
