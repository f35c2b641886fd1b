import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { derToJose } from "#shared/auth/signing-key";
import { BASE_LOCK_MS, lockFor, MAX_LOCK_MS } from "#shared/credentials/attempts.store";
import { dueThreshold } from "#shared/expiry/expiry-reminders.service";
import { cronExpression, jobDefinitions } from "#shared/jobs";
import { findRoute, matchPath } from "#shared/routes";

describe("lock schedule (credential rules, Attempts)", () => {
  it("locks at 5 for 15 minutes, doubles each later failure up to 24 hours, blocks at 20", () => {
    const t = 1_000_000;
    expect(lockFor(4, t)).toEqual({ blocked: false });
    expect(lockFor(5, t)).toEqual({ lockedUntil: t + BASE_LOCK_MS, blocked: false });
    expect(lockFor(6, t).lockedUntil).toBe(t + 2 * BASE_LOCK_MS);
    expect(lockFor(7, t).lockedUntil).toBe(t + 4 * BASE_LOCK_MS);
    expect(lockFor(11, t).lockedUntil).toBe(t + 64 * BASE_LOCK_MS);
    expect(lockFor(12, t).lockedUntil).toBe(t + MAX_LOCK_MS);
    expect(lockFor(19, t).lockedUntil).toBe(t + MAX_LOCK_MS);
    expect(lockFor(20, t)).toEqual({ blocked: true });
  });
});

describe("expiry reminder thresholds", () => {
  it("sends the most urgent reminder still due", () => {
    expect(dueThreshold(45)).toBeUndefined();
    expect(dueThreshold(30)).toBe(30);
    expect(dueThreshold(8)).toBe(30);
    expect(dueThreshold(7)).toBe(7);
    expect(dueThreshold(2)).toBe(7);
    expect(dueThreshold(1)).toBe(1);
    expect(dueThreshold(0)).toBeUndefined();
  });
});

describe("ECDSA signature conversion for KMS", () => {
  it("turns a DER signature into the 64-byte r‖s form that verifies as IEEE P1363", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    for (let i = 0; i < 50; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = sign("sha256", message, privateKey);
      const jose = derToJose(der);
      expect(jose).toHaveLength(64);
      const p1363 = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
      expect(p1363).toHaveLength(64);
      expect(verify("sha256", message, { key: publicKey, dsaEncoding: "ieee-p1363" }, jose)).toBe(true);
    }
  });
});

describe("route and job definitions", () => {
  it("matches templated paths and tells 405 from 404", () => {
    expect(matchPath("/v1/conversion-requests/{id}", "/v1/conversion-requests/abc")).toEqual({ id: "abc" });
    expect(matchPath("/v1/conversion-requests/{id}", "/v1/conversion-requests/abc/x")).toBeUndefined();
    expect(findRoute("GET", "/v1/health").route?.functionName).toBe("health");
    expect(findRoute("POST", "/v1/health")).toEqual({ allowed: ["GET"] });
    expect(findRoute("GET", "/nope")).toEqual({ allowed: [] });
  });

  it("schedules every job daily with EventBridge cron syntax", () => {
    expect(jobDefinitions.map((j) => j.name).sort()).toEqual([
      "appointment-reminders",
      "expiry-reminders",
      "letter-batch",
    ]);
    for (const job of jobDefinitions) expect(cronExpression(job)).toMatch(/^cron\(\d+ \d+ \* \* \? \*\)$/);
  });
});
