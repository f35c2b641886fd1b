import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  clearOutbox,
  endpoints,
  outbox,
  postJson,
  putOnRecord,
  runJob,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import { activeHolders, type RequestBody, readManifest, tableClient } from "./journeys.ts";

async function credentialItem(codiceFiscale: string) {
  const { Item } = await tableClient().send(
    new GetCommand({
      TableName: endpoints().tableName,
      Key: { pk: `CF#${codiceFiscale}`, sk: "CREDENTIAL" },
    }),
  );
  return Item;
}

const recordOf = (person: RequestBody, residence: Record<string, unknown> = person.residence) => ({
  ...person,
  residence,
});

describe("person on record (credential rules)", () => {
  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterAll(() => setClock(0));

  it("refuses a person not on record, or whose identity differs from the record, and sends nothing", async () => {
    const stranger = pinRequestBody();
    const notOnRecord = await postJson("/v1/pin-requests", stranger);
    expect(notOnRecord.status).toBe(422);
    expect(notOnRecord.body).toMatchObject({
      code: "not-on-record",
      alternatives: ["contact-center", "branch"],
    });

    const recorded = pinRequestBody();
    await putOnRecord(recordOf(recorded));
    // Same codice fiscale, a surname spelled otherwise (its last vowel changed keeps the CF's consonant code):
    // the typed data agrees with the codice fiscale, the record does not.
    const twin = {
      ...recorded,
      surname: recorded.surname.replace(/[aeiou]$/, (v) => (v === "a" ? "e" : "a")),
    };
    expect(twin.surname).not.toBe(recorded.surname);
    const mismatch = await postJson("/v1/pin-requests", twin);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe("not-on-record");
    // Which field differed is not said.
    expect(mismatch.body.errors).toBeUndefined();
    for (const p of [stranger, twin]) expect(await credentialItem(p.codiceFiscale)).toBeUndefined();
    expect((await settledOutbox()).sms).toEqual([]);

    // Case, accents and spacing do not make a mismatch.
    const spelled = await postJson("/v1/pin-requests", {
      ...recorded,
      surname: recorded.surname.toUpperCase(),
    });
    expect(spelled.status).toBe(202);
  });

  it("judges eligibility on the recorded residence", async () => {
    const person = pinRequestBody();
    await putOnRecord(
      recordOf(person, {
        countryCode: "IT",
        addressLines: ["Via Roma 1"],
        city: "Roma",
        postalCode: "00100",
      }),
    );
    const answer = await postJson("/v1/pin-requests", person);
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe("not-eligible");
    expect(await credentialItem(person.codiceFiscale)).toBeUndefined();
  });

  it("sends the letter to the recorded residence, never to a typed address, and says where it goes", async () => {
    await runJob("letter-batch"); // print what earlier tests left
    const person = pinRequestBody();
    const recorded = {
      countryCode: "CA",
      addressLines: ["77 King Street West"],
      city: "Toronto",
      postalCode: "M5K 1A1",
      region: "ON",
    };
    await putOnRecord(recordOf(person, recorded));
    const attacker = {
      ...person,
      residence: { ...person.residence, addressLines: ["1 Attacker Way"], city: "Reno", region: "NV" },
    };
    const answer = await postJson("/v1/pin-requests", attacker);
    expect(answer.status).toBe(202);
    expect(answer.body.letter).toMatchObject({
      sentTo: { countryCode: "CA", city: "Toronto" },
      addressOnRecordDiffers: true,
    });
    expect(answer.body.letter.note).toMatch(/contact center|branch/);

    const job = await runJob("letter-batch");
    const rows = await readManifest(job.body.prefix);
    const row = rows.find(
      (r) => r.recipient.includes(person.surname) && r.addressLines.includes("77 King Street West"),
    );
    expect(row).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain("Attacker Way");
  });

  it("sends at most one 'you already have a PIN' notice a day, however often someone asks", async () => {
    const [holder] = [pinRequestBody()];
    await activeHolders([holder!], "QW7ZK2PM");
    await clearOutbox();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await postJson("/v1/pin-requests", holder));
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(Object.keys(a.body).sort()).toEqual(["letter", "partASentTo", "requestId"]);
    }
    const box = await settledOutbox();
    expect(box.sms.filter((m) => m.to === holder!.contacts.mobile)).toHaveLength(1);
    expect(box.emails.filter((m) => m.to === holder!.contacts.email)).toHaveLength(1);

    await setClock(25 * 3600);
    await postJson("/v1/pin-requests", holder);
    await waitForOutbox((b) => b.sms.filter((m) => m.to === holder!.contacts.mobile).length >= 2);
    expect((await settledOutbox()).sms.filter((m) => m.to === holder!.contacts.mobile)).toHaveLength(2);
  });

  it("sends part A to one destination at most three times a day, answering the fourth alike", async () => {
    const mobile = `+1415556${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const people = Array.from({ length: 4 }, () => pinRequestBody({ contacts: { mobile } }));
    await putOnRecord(...people);
    const answers = [];
    for (const person of people) answers.push(await postJson("/v1/pin-requests", person));
    for (const a of answers) expect(a.status).toBe(202);
    expect(answers.map((a) => Object.keys(a.body).sort().join())).toEqual(
      Array(4).fill("letter,partASentTo,requestId"),
    );
    const partAs = (await outbox()).sms.filter((m) => m.to === mobile && /[0-9A-F]{8}/.test(m.text));
    expect(partAs).toHaveLength(3);
    expect(await credentialItem(people[3]!.codiceFiscale)).toBeUndefined();

    // The next day the budget is back.
    await setClock(24 * 3600);
    expect((await postJson("/v1/pin-requests", people[3])).status).toBe(202);
    expect(await credentialItem(people[3]!.codiceFiscale)).toMatchObject({ status: "pending-first-access" });
  });
});

describe("recovery budgets cannot be spent by strangers (credential rules)", () => {
  let holder: RequestBody;
  const right = () => ({
    codiceFiscale: holder.codiceFiscale,
    mobile: holder.contacts.mobile,
    email: holder.contacts.email,
  });
  const linksTo = async (to: string) =>
    (await outbox()).emails.filter((m) => m.to === to && m.text.includes("token="));

  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterAll(() => setClock(0));

  it("counts only matching requests against the holder, and misses against their source", async () => {
    holder = pinRequestBody();
    await activeHolders([holder], "ZX8VB3NM");
    // Three bogus requests used to spend the holder's hourly budget; now they do not.
    for (let i = 0; i < 3; i++) {
      await postJson("/v1/recoveries", { ...right(), mobile: "+14155550000", email: "x@example.org" });
    }
    expect((await postJson("/v1/recoveries", right())).status).toBe(202);
    expect(await linksTo(holder.contacts.email)).toHaveLength(1);

    // A fresh hour; a source that keeps missing is no longer evaluated (the stack allows 40 misses an hour).
    await setClock(7 * 24 * 3600);
    await clearOutbox();
    const misses = await Promise.all(
      Array.from({ length: 40 }, () =>
        postJson("/v1/recoveries", {
          codiceFiscale: holder.codiceFiscale,
          mobile: "+14155550001",
          email: "y@example.org",
        }),
      ),
    );
    expect(misses.every((m) => m.status === 202)).toBe(true);
    const ignored = await postJson("/v1/recoveries", right());
    expect(ignored.body).toEqual({ status: "accepted" });
    expect(await linksTo(holder.contacts.email)).toHaveLength(0);

    await setClock(7 * 24 * 3600 + 3600);
    await postJson("/v1/recoveries", right());
    expect(await linksTo(holder.contacts.email)).toHaveLength(1);
  });
});
