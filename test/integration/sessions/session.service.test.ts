import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BASE_LOCK_MS, BLOCK_AFTER, LOCK_AFTER } from "#shared/credentials/attempts.store";
import { getCredential } from "#shared/credentials/credential.store";
import { nowMs, setClockOffsetSeconds } from "#shared/platform/clock";
import { changePin, login } from "#shared/sessions/session.service";
import {
  auditOf,
  auditTypes,
  HOLDER_PIN,
  INITIAL_PIN,
  mockDelivery,
  nextCitizen,
  noticeTypesTo,
  putFirstAccessHolder,
  putHolder,
  wholeTable,
} from "../holders.ts";

const delivery = mockDelivery();
const WRONG_PIN = "WRONG123";
/** Parallel guesses: each costs a full scrypt (about a second on a busy 2-core machine), so twelve, not thirty. */
const PARALLEL = 12;
const invalid = { statusCode: 401, code: "invalid-credentials" };

/** A login expected to fail: its error. */
const refused = (codiceFiscale: string, pin: string) => login(codiceFiscale, pin).catch((e: unknown) => e);

describe("login and lockout (F3/F4, Attempts) on DynamoDB Local", { timeout: 180_000 }, () => {
  beforeEach(() => delivery.reset());
  afterEach(() => setClockOffsetSeconds(0));

  it("first access: the initial PIN answers pin-change-required, and the change token sets the 8-character PIN once", async () => {
    // Prepare
    const citizen = nextCitizen(10_000);
    const holder = await putFirstAccessHolder(citizen);

    // Act
    const first = await login(citizen.codiceFiscale, INITIAL_PIN);
    if (first.outcome !== "pin-change-required") throw new Error(`unexpected ${first.outcome}`);
    const uses = await Promise.allSettled(
      [0, 1, 2].map(() => changePin({ changeToken: first.changeToken, newPin: "P4R7N2QX" })),
    );
    const after = await login(citizen.codiceFiscale, "P4R7N2QX");

    // Assess
    expect(first.reason).toBe("first-access");
    expect(uses.filter((u) => u.status === "fulfilled")).toHaveLength(1);
    expect(
      uses.filter((u) => u.status === "rejected").map((u) => (u as PromiseRejectedResult).reason),
    ).toEqual([expect.objectContaining({ statusCode: 401 }), expect.objectContaining({ statusCode: 401 })]);
    expect(after.outcome).toBe("authenticated");
    const stored = await getCredential(citizen.codiceFiscale);
    expect(stored).toMatchObject({ status: "active", everUsed: true, failures: 0 });
    expect(stored?.initialPinHash).toBeUndefined();
    await expect(refused(citizen.codiceFiscale, INITIAL_PIN)).resolves.toMatchObject(invalid);
    expect(await noticeTypesTo(holder.contacts.email!)).toEqual(["pin-activated"]);
    expect(await wholeTable()).not.toContain(INITIAL_PIN);
    expect(await wholeTable()).not.toContain("P4R7N2QX");
  });

  it("a correct PIN after failures authenticates and resets the counter", async () => {
    // Prepare
    const citizen = nextCitizen(10_100);
    await putHolder(citizen, { failures: LOCK_AFTER - 1 });

    // Act
    const answer = await login(citizen.codiceFiscale, HOLDER_PIN.toLowerCase());

    // Assess
    expect(answer).toMatchObject({ outcome: "authenticated", pinType: "ordinario" });
    expect((await getCredential(citizen.codiceFiscale))?.failures).toBe(0);
    expect(await auditTypes(citizen.codiceFiscale)).toEqual(["login-succeeded"]);
  });

  it("5 failures lock for 15 minutes; while locked the correct PIN is refused and not counted; each later failure doubles", async () => {
    // Prepare
    const citizen = nextCitizen(10_200);
    const holder = await putHolder(citizen);

    // Act: five wrong guesses, then the correct PIN during the lock
    for (let i = 0; i < LOCK_AFTER; i++) await refused(citizen.codiceFiscale, WRONG_PIN);
    const locked = await getCredential(citizen.codiceFiscale);
    const duringLock = await refused(citizen.codiceFiscale, HOLDER_PIN);

    // Assess
    expect(locked?.failures).toBe(LOCK_AFTER);
    expect(locked!.lockedUntil! - nowMs()).toBeGreaterThan(BASE_LOCK_MS - 60_000);
    expect(locked!.lockedUntil! - nowMs()).toBeLessThanOrEqual(BASE_LOCK_MS);
    expect(duringLock).toMatchObject(invalid);
    expect((await getCredential(citizen.codiceFiscale))?.failures).toBe(LOCK_AFTER);
    expect(await noticeTypesTo(holder.contacts.mobile!)).toEqual(["pin-locked"]);

    // Act: past the lock, one more wrong guess locks for twice as long
    setClockOffsetSeconds(BASE_LOCK_MS / 1000 + 1);
    await refused(citizen.codiceFiscale, WRONG_PIN);
    const doubled = await getCredential(citizen.codiceFiscale);

    // Assess
    expect(doubled?.failures).toBe(LOCK_AFTER + 1);
    expect(doubled!.lockedUntil! - nowMs()).toBeGreaterThan(2 * BASE_LOCK_MS - 60_000);
    expect(doubled!.lockedUntil! - nowMs()).toBeLessThanOrEqual(2 * BASE_LOCK_MS);

    // Act: past that lock too, the correct PIN works again
    setClockOffsetSeconds(BASE_LOCK_MS / 1000 + (2 * BASE_LOCK_MS) / 1000 + 2);
    expect((await login(citizen.codiceFiscale, HOLDER_PIN)).outcome).toBe("authenticated");
  });

  it("the 20th failure blocks for good: the correct PIN is refused, even days later, and the counter stays", async () => {
    // Prepare: 19 failures, the last lock over
    const citizen = nextCitizen(10_300);
    const holder = await putHolder(citizen, { failures: BLOCK_AFTER - 1, lockedUntil: nowMs() - 1 });

    // Act
    await refused(citizen.codiceFiscale, WRONG_PIN);
    setClockOffsetSeconds(3 * 86_400);
    const later = await refused(citizen.codiceFiscale, HOLDER_PIN);

    // Assess
    expect(later).toMatchObject(invalid);
    expect(await getCredential(citizen.codiceFiscale)).toMatchObject({
      blocked: true,
      failures: BLOCK_AFTER,
    });
    expect(await noticeTypesTo(holder.contacts.email!)).toEqual(["pin-blocked"]);
    expect(await auditTypes(citizen.codiceFiscale)).toEqual(
      expect.arrayContaining(["login-failed", "pin-blocked", "login-refused-locked"]),
    );
  });

  it("12 parallel wrong PINs on a fresh credential: exactly 5 are counted, one lock, one notice", {
    timeout: 240_000,
  }, async () => {
    // Prepare
    const citizen = nextCitizen(10_400);
    const holder = await putHolder(citizen);

    // Act
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () => refused(citizen.codiceFiscale, WRONG_PIN)),
    );

    // Assess
    expect(answers.every((a) => (a as { statusCode?: number }).statusCode === 401)).toBe(true);
    const stored = await getCredential(citizen.codiceFiscale);
    expect(stored?.failures).toBe(LOCK_AFTER);
    expect(stored?.lockedUntil).toBeGreaterThan(nowMs());
    const events = await auditOf(citizen.codiceFiscale);
    expect(events.filter((e) => e.type === "login-failed")).toHaveLength(LOCK_AFTER);
    expect(events.filter((e) => e.type === "pin-locked")).toHaveLength(1);
    expect(events.filter((e) => e.type === "login-refused-locked")).toHaveLength(PARALLEL - LOCK_AFTER);
    expect(await noticeTypesTo(holder.contacts.mobile!)).toEqual(["pin-locked"]);
  });

  it("an expired PIN answers pin-change-required (expired), and the renewal sets a new PIN valid 180 days", async () => {
    // Prepare
    const citizen = nextCitizen(10_500);
    await putHolder(citizen, { pinExpiresAt: new Date(nowMs() - 1000).toISOString() });

    // Act
    const answer = await login(citizen.codiceFiscale, HOLDER_PIN);
    if (answer.outcome !== "pin-change-required") throw new Error(`unexpected ${answer.outcome}`);
    const sameAgain = await changePin({ changeToken: answer.changeToken, newPin: HOLDER_PIN }).catch(
      (e: unknown) => e,
    );
    const changed = await changePin({ changeToken: answer.changeToken, newPin: "Z8V3T6RB" });

    // Assess
    expect(answer.reason).toBe("expired");
    expect(sameAgain).toMatchObject({ statusCode: 400, code: "weak-pin" });
    expect(Date.parse(changed.pinExpiresAt) - nowMs()).toBeGreaterThan(179 * 86_400_000);
    expect((await login(citizen.codiceFiscale, "Z8V3T6RB")).outcome).toBe("authenticated");
  });

  it("an unknown codice fiscale and a revoked credential get the same 401 as a wrong PIN", async () => {
    // Prepare
    const revoked = nextCitizen(10_600);
    await putHolder(revoked, { status: "revoked" });
    const unknown = nextCitizen(10_600);

    // Act
    const answers = await Promise.all([
      refused(unknown.codiceFiscale, HOLDER_PIN),
      refused(revoked.codiceFiscale, HOLDER_PIN),
    ]);

    // Assess
    for (const answer of answers) expect(answer).toMatchObject({ ...invalid, message: expect.any(String) });
    expect((answers[0] as Error).message).toBe((answers[1] as Error).message);
    expect((await getCredential(revoked.codiceFiscale))?.failures).toBe(0);
  });
});
