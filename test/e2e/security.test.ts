import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  clearOutbox,
  endpoints,
  outbox,
  postJson,
  putOnRecord,
  readLogs,
  runJob,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import { auditEvents, issueInitialPins, partBsFromBatch, type RequestBody, tableClient } from "./journeys.ts";

async function credentialItem(codiceFiscale: string) {
  const { Item } = await tableClient().send(
    new GetCommand({
      TableName: endpoints().tableName,
      Key: { pk: `CF#${codiceFiscale}`, sk: "CREDENTIAL" },
    }),
  );
  return Item;
}

describe("lockout, races and enumeration", () => {
  let people: RequestBody[];
  let pins: Map<string, string>;

  beforeAll(async () => {
    await setClock(0);
    people = [pinRequestBody(), pinRequestBody(), pinRequestBody()];
    pins = await issueInitialPins(people);
  });

  beforeEach(() => setClock(0));
  afterAll(() => setClock(0));

  it("20 parallel wrong PINs get at most 5 guesses, lock the PIN, refuse the correct one, and notify", async () => {
    const [person] = people as [RequestBody];
    await clearOutbox();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: "0000000000000000" }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(401));
    const failed = (await auditEvents(person.codiceFiscale)).filter((e) => e.type === "login-failed");
    expect(failed.length).toBe(5);
    const item = await credentialItem(person.codiceFiscale);
    expect(item?.failures).toBe(5);
    expect(item?.lockedUntil).toBeGreaterThan(Date.now() + 14 * 60_000);

    const correctWhileLocked = await postJson("/v1/sessions", {
      codiceFiscale: person.codiceFiscale,
      pin: pins.get(person.codiceFiscale),
    });
    expect(correctWhileLocked.status).toBe(401);
    expect(correctWhileLocked.body).toEqual(answers[0]!.body);
    expect((await credentialItem(person.codiceFiscale))?.failures).toBe(5);
    // The lock notice travels through the outbox (the table's stream and the notifier).
    const box = await waitForOutbox((b) =>
      b.emails.some((m) => m.to === person.contacts.email && /bloccato|locked/i.test(m.subject)),
    );
    const notices = box.emails.filter((m) => m.to === person.contacts.email);
    expect(notices.map((m) => m.subject)).toContainEqual(expect.stringMatching(/bloccato|locked/i));

    // After the 15-minute lock, one more wrong guess locks for 30 minutes; the correct PIN then waits too.
    await setClock(16 * 60);
    const sixth = await postJson("/v1/sessions", {
      codiceFiscale: person.codiceFiscale,
      pin: "1111111111111111",
    });
    expect(sixth.status).toBe(401);
    const relocked = await credentialItem(person.codiceFiscale);
    expect(relocked?.failures).toBe(6);
    expect(relocked?.lockedUntil - (Date.now() + 16 * 60_000)).toBeGreaterThan(29 * 60_000);
    await setClock(16 * 60 + 31 * 60);
    const ok = await postJson("/v1/sessions", {
      codiceFiscale: person.codiceFiscale,
      pin: pins.get(person.codiceFiscale),
    });
    expect(ok.body).toMatchObject({ outcome: "pin-change-required", reason: "first-access" });
    expect((await credentialItem(person.codiceFiscale))?.failures).toBe(0);
  });

  it("8 parallel uses of one change token: exactly one sets the PIN", async () => {
    const person = people[1]!;
    const first = await postJson("/v1/sessions", {
      codiceFiscale: person.codiceFiscale,
      pin: pins.get(person.codiceFiscale),
    });
    expect(first.body.outcome).toBe("pin-change-required");
    const newPins = [
      "H4K8M2P6",
      "J5L9N3Q7",
      "K6M2P4R8",
      "L7N3Q5S9",
      "M8P4R6T2",
      "N9Q5S7U3",
      "P2R6T8V4",
      "Q3S7U9W5",
    ];
    const answers = await Promise.all(
      newPins.map((newPin) => postJson("/v1/pin-changes", { changeToken: first.body.changeToken, newPin })),
    );
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(7);
    const winningPin = newPins[answers.findIndex((a) => a.status === 200)]!;
    const login = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: winningPin });
    expect(login.body.outcome).toBe("authenticated");
  });

  it("login answers alike for an unknown CF, a wrong PIN and a malformed PIN", async () => {
    const known = people[2]!;
    const unknown = pinRequestBody();
    const a = await postJson("/v1/sessions", { codiceFiscale: unknown.codiceFiscale, pin: "ABCD2345" });
    const b = await postJson("/v1/sessions", { codiceFiscale: known.codiceFiscale, pin: "ABCD2345" });
    const c = await postJson("/v1/sessions", {
      codiceFiscale: unknown.codiceFiscale,
      pin: "0123456789ABCDEF",
    });
    for (const answer of [a, b, c]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
  });

  it("a repeated request for a live PIN answers alike, issues nothing and warns the registered contacts", async () => {
    const person = people[2]!;
    await clearOutbox();
    const again = await postJson("/v1/pin-requests", {
      ...person,
      contacts: { ...person.contacts },
      partAChannel: "sms",
    });
    expect(again.status).toBe(202);
    expect(Object.keys(again.body).sort()).toEqual(["letter", "partASentTo", "requestId"]);
    await waitForOutbox((b) => b.sms.some((m) => m.to === person.contacts.mobile));
    const box = await settledOutbox();
    const sms = box.sms.filter((m) => m.to === person.contacts.mobile);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).not.toMatch(/[0-9A-F]{8}/);
    expect(sms[0]!.text).toMatch(/Revoca PIN|Revoke PIN/);
    const job = await runJob("letter-batch");
    expect(job.body.letters ?? 0).toBe(0);
  });

  it("an Idempotency-Key retry returns the first answer and sends part A once", async () => {
    const person = pinRequestBody();
    await putOnRecord(person);
    await clearOutbox();
    const headers = { "idempotency-key": `test-${person.codiceFiscale}` };
    const [first, second] = [
      await postJson("/v1/pin-requests", person, headers),
      await postJson("/v1/pin-requests", person, headers),
    ];
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect((await outbox()).sms.filter((m) => m.to === person.contacts.mobile)).toHaveLength(1);
    const reused = await postJson("/v1/pin-requests", { ...person, partAChannel: "email" }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe("idempotency-key-reused");
  });

  it("two letter jobs at once print every letter exactly once", async () => {
    await runJob("letter-batch"); // print what earlier tests left, so the count below is this test's alone
    const batch = Array.from({ length: 12 }, () => pinRequestBody());
    await putOnRecord(...batch);
    const answers = await Promise.all(batch.map((person) => postJson("/v1/pin-requests", person)));
    expect(answers.map((a) => a.status)).toEqual(batch.map(() => 202));
    const [one, two] = await Promise.all([runJob("letter-batch"), runJob("letter-batch")]);
    const prefixes = [one!.body.prefix, two!.body.prefix].filter(Boolean) as string[];
    const found = new Map<string, number>();
    for (const prefix of prefixes) {
      for (const [cf] of await partBsFromBatch(prefix, batch)) found.set(cf, (found.get(cf) ?? 0) + 1);
    }
    expect(found.size).toBe(batch.length);
    expect([...found.values()].every((n) => n === 1)).toBe(true);
    expect((one!.body.letters ?? 0) + (two!.body.letters ?? 0)).toBe(batch.length);
  });

  it("bad input on every field is a 4xx problem+json and changes nothing", async () => {
    await clearOutbox();
    const base = pinRequestBody();
    await putOnRecord(base);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["codiceFiscale", { codiceFiscale: "RSSMRA80A01H501X" }, "validation-failed"],
      ["surname", { surname: "" }, "validation-failed"],
      ["givenName", { givenName: 42 }, "validation-failed"],
      ["birthDate", { birthDate: "1980-13-45" }, "validation-failed"],
      ["sex", { sex: "X" }, "validation-failed"],
      ["birthPlaceCode", { birthPlaceCode: "ROMA" }, "validation-failed"],
      ["residence.countryCode", { residence: { ...base.residence, countryCode: "XX" } }, "validation-failed"],
      ["residence.addressLines", { residence: { ...base.residence, addressLines: [] } }, "validation-failed"],
      ["hasItalianIdDocument", { hasItalianIdDocument: "no" }, "validation-failed"],
      ["contacts.mobile", { contacts: { mobile: "12345" } }, "validation-failed"],
      ["contacts.email", { contacts: { email: "not-an-email" } }, "validation-failed"],
      ["partAChannel", { partAChannel: "pec" }, "validation-failed"],
      ["nickname", { nickname: "x" }, "validation-failed"],
      ["healthCard.number", { healthCard: { number: "123", expiryDate: "2030-01-01" } }, "validation-failed"],
      ["residence", { residence: { ...base.residence, countryCode: "IT" } }, "not-eligible"],
      ["hasItalianIdDocument", { hasItalianIdDocument: true }, "not-eligible"],
      ["surname", { surname: "Verdi" }, "codice-fiscale-mismatch"],
    ];
    for (const [path, patch, code] of cases) {
      const answer = await postJson("/v1/pin-requests", { ...base, ...patch });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.headers.get("content-type"), path).toContain("application/problem+json");
      expect(answer.body.code, path).toBe(code);
      if (code === "validation-failed") {
        expect(
          answer.body.errors.map((e: { path: string }) => e.path),
          path,
        ).toContain(path);
      }
    }
    expect(await credentialItem(base.codiceFiscale)).toBeUndefined();
    expect((await settledOutbox()).sms).toHaveLength(0);
    expect(readLogs()).not.toContain(base.contacts.mobile);
  });
});
