import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCitizenN } from "../fixtures/citizens.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  clearOutbox,
  operatorToken,
  outbox,
  postJson,
  putOnRecord,
  readLogs,
  runJob,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import { activeHolders, auditEvents, partBsFromBatch, type RequestBody } from "./journeys.ts";

/** Everything that must never be written down: checked against the logs and the audit trail at the end. */
const secrets: string[] = [];
const fullContacts: string[] = [];
const holders: string[] = [];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const future = "2031-05-31";
const passport = { kind: "passport", number: "YA1234567", issuingCountry: "US", expiryDate: future };

/** Logs in with a 16-character initial PIN, chooses `newPin`, and returns the access token. */
async function firstAccess(codiceFiscale: string, initialPin: string, newPin: string): Promise<string> {
  const first = await postJson("/v1/sessions", { codiceFiscale, pin: initialPin });
  expect(first.body).toMatchObject({ outcome: "pin-change-required", reason: "first-access" });
  const changed = await postJson("/v1/pin-changes", { changeToken: first.body.changeToken, newPin });
  expect(changed.status).toBe(200);
  const login = await postJson("/v1/sessions", { codiceFiscale, pin: newPin });
  expect(login.body.outcome).toBe("authenticated");
  return login.body.accessToken as string;
}

/** The PIN printed in a branch envelope, read back from the PDF as a person would read it. */
async function pinFromEnvelope(base64: string): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(Buffer.from(base64, "base64")));
  const { text } = await extractText(pdf, { mergePages: true });
  const match = /\b([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4}) ([0-9A-F]{4})\b/.exec(text);
  expect(match, "the envelope shows the PIN").not.toBeNull();
  return match!.slice(1, 5).join("");
}

function branchBody(person: RequestBody, extra: Record<string, unknown> = {}) {
  const { partAChannel: _channel, ...fields } = person;
  return { ...fields, identityDocument: passport, presentedBy: { kind: "holder" }, ...extra };
}

describe("contact center (F8, F7)", () => {
  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterAll(() => setClock(0));

  it("requests a PIN by phone: part A to read out and by SMS, a replay without it, then first access", async () => {
    const person = pinRequestBody();
    fullContacts.push(person.contacts.mobile, person.contacts.email);
    await putOnRecord(person);
    const token = await operatorToken("contact-center", "cc-anna");
    const headers = { ...bearer(token), "idempotency-key": `cc-${person.codiceFiscale}` };
    const first = await postJson("/v1/operator/pin-requests", person, headers);
    expect(first.status).toBe(202);
    expect(first.body.partA).toMatch(/^[0-9A-F]{8}$/);
    expect(first.body.letter.sentTo).toEqual({ countryCode: "US", city: "San Francisco" });
    const partA = first.body.partA as string;
    secrets.push(partA);
    holders.push(person.codiceFiscale);
    const sms = (await outbox()).sms.filter((m) => m.to === person.contacts.mobile);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).toContain(partA);

    const replay = await postJson("/v1/operator/pin-requests", person, headers);
    expect(replay.status).toBe(202);
    const { partA: _shown, ...withoutPartA } = first.body;
    expect(replay.body).toEqual(withoutPartA);
    expect((await outbox()).sms.filter((m) => m.to === person.contacts.mobile)).toHaveLength(1);

    const job = await runJob("letter-batch");
    const partB = (await partBsFromBatch(job.body.prefix, [person])).get(person.codiceFiscale)!;
    secrets.push(partA + partB);
    await firstAccess(person.codiceFiscale, partA + partB, "KP4WZ7RM");

    const events = await auditEvents(person.codiceFiscale);
    expect(events.find((e) => e.type === "pin-requested")).toMatchObject({
      channel: "contact-center",
      actor: "operator:cc-anna",
    });

    const again = await postJson("/v1/operator/pin-requests", person, bearer(token));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("pin-exists");
    expect(again.body.detail).toMatch(/recovery/);
  });

  it("refuses other groups, citizens and anonymous callers before reading the body", async () => {
    const person = pinRequestBody();
    const anonymous = await postJson("/v1/operator/pin-requests", { nonsense: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors).toBeUndefined();
    const branch = await postJson("/v1/operator/pin-requests", person, bearer(await operatorToken("branch")));
    expect(branch.status).toBe(403);
    const auditor = await postJson("/v1/operator/contacts", {}, bearer(await operatorToken("auditor")));
    expect(auditor.status).toBe(403);
  });

  it("adds a contact for a holder with one, tells the old one, and keeps the new one out of recovery for 7 days", async () => {
    const mobileOnly = pinRequestBody();
    const holder = { ...mobileOnly, contacts: { mobile: mobileOnly.contacts.mobile } } as RequestBody;
    await activeHolders([holder], "HN3QX8TV");
    await clearOutbox();
    const token = await operatorToken("contact-center", "cc-bruno");
    const email = `new-${holder.codiceFiscale.toLowerCase()}@example.net`;
    fullContacts.push(email);
    holders.push(holder.codiceFiscale);

    const added = await postJson(
      "/v1/operator/contacts",
      { codiceFiscale: holder.codiceFiscale, contact: { kind: "email", value: email } },
      bearer(token),
    );
    expect(added.status).toBe(200);
    expect(added.body.contacts.email).toMatch(/^n•+\w@example\.net$/);
    expect(added.body.contacts.mobile).toMatch(/•••/);
    await waitForOutbox((b) => b.sms.some((m) => m.to === holder.contacts.mobile));
    const box = await settledOutbox();
    const notice = box.sms.filter((m) => m.to === holder.contacts.mobile);
    expect(notice).toHaveLength(1);
    expect(notice[0]!.text).toMatch(/contact center|7|recovery link/i);
    expect(box.emails.filter((m) => m.to === email)).toHaveLength(0);

    const twice = await postJson(
      "/v1/operator/contacts",
      { codiceFiscale: holder.codiceFiscale, contact: { kind: "email", value: "other@example.net" } },
      bearer(token),
    );
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("contact-exists");
    const unknown = await postJson(
      "/v1/operator/contacts",
      { codiceFiscale: makeCitizenN(99_901).codiceFiscale, contact: { kind: "pec", value: "a@pec.it" } },
      bearer(token),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("holder-not-found");

    // Someone who knows the mobile and talked their e-mail into the record cannot recover the PIN with it.
    const recovery = { codiceFiscale: holder.codiceFiscale, mobile: holder.contacts.mobile, email };
    await clearOutbox();
    expect((await postJson("/v1/recoveries", recovery)).status).toBe(202);
    expect((await settledOutbox()).emails.filter((m) => m.to === email)).toEqual([]);
    await setClock(8 * 86_400);
    expect((await postJson("/v1/recoveries", recovery)).status).toBe(202);
    expect((await outbox()).emails.filter((m) => m.to === email && m.text.includes("token="))).toHaveLength(
      1,
    );
  });
});

describe("branch (F9, F13)", () => {
  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterAll(() => setClock(0));

  it("issues a dispositivo PIN only inside the envelope, updates the record, and first access follows", async () => {
    // Not on record before: the branch checks documents and creates the record.
    const person = pinRequestBody();
    fullContacts.push(person.contacts.mobile, person.contacts.email);
    const token = await operatorToken("branch", "br-carla");
    const issued = await postJson("/v1/operator/branch-issuances", branchBody(person), bearer(token));
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ pinType: "dispositivo", holderKind: "citizen" });
    expect(issued.body.envelope.contentType).toBe("application/pdf");
    const pin = await pinFromEnvelope(issued.body.envelope.base64);
    secrets.push(pin);
    holders.push(person.codiceFiscale);
    const { envelope: _pdf, ...json } = issued.body;
    expect(JSON.stringify(json)).not.toMatch(/[0-9A-F]{16}/);
    expect(await settledOutbox()).toEqual({ sms: [], emails: [] });
    expect((await runJob("letter-batch")).body.letters ?? 0).toBe(0);

    const access = await firstAccess(person.codiceFiscale, pin, "BR7XQ2LM");
    const me = await api("/v1/me", { headers: bearer(access) });
    expect(me.body).toMatchObject({ pinType: "dispositivo", holderKind: "citizen" });
    // The record now exists: the person can use the online channels too.
    const online = await postJson("/v1/pin-requests", person);
    expect(online.status).toBe(202);
  });

  it("refuses a delegate, a parent for an adult and an expired document; accepts a parent for a minor", async () => {
    const token = await operatorToken("branch");
    const adult = pinRequestBody();
    const delegate = await postJson(
      "/v1/operator/branch-issuances",
      branchBody(adult, { presentedBy: { kind: "delegate", codiceFiscale: makeCitizenN(5).codiceFiscale } }),
      bearer(token),
    );
    expect(delegate.status).toBe(403);
    expect(delegate.body.code).toBe("delegate-not-allowed");
    const parent = { kind: "parent", codiceFiscale: makeCitizenN(6).codiceFiscale, selfCertification: true };
    const notMinor = await postJson(
      "/v1/operator/branch-issuances",
      branchBody(adult, { presentedBy: parent }),
      bearer(token),
    );
    expect(notMinor.status).toBe(422);
    expect(notMinor.body.code).toBe("not-a-minor");
    const expired = await postJson(
      "/v1/operator/branch-issuances",
      branchBody(adult, { identityDocument: { ...passport, expiryDate: "2020-01-01" } }),
      bearer(token),
    );
    expect(expired.status).toBe(422);
    expect(expired.body.code).toBe("document-expired");

    const teen = { ...pinRequestBody(), ...(await teenager()) };
    const forMinor = await postJson(
      "/v1/operator/branch-issuances",
      branchBody(teen, { presentedBy: parent }),
      bearer(token),
    );
    expect(forMinor.status, JSON.stringify(forMinor.body)).toBe(201);
    holders.push(teen.codiceFiscale);
    secrets.push(await pinFromEnvelope(forMinor.body.envelope.base64));
  });

  it("refuses a live PIN unless replaceExisting, which revokes it and tells the holder", async () => {
    const holder = pinRequestBody();
    fullContacts.push(holder.contacts.mobile, holder.contacts.email);
    await activeHolders([holder], "RV5MZ9KD");
    holders.push(holder.codiceFiscale);
    const token = await operatorToken("branch");
    const refused = await postJson("/v1/operator/branch-issuances", branchBody(holder), bearer(token));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("pin-exists");
    await clearOutbox();
    const replaced = await postJson(
      "/v1/operator/branch-issuances",
      branchBody(holder, { replaceExisting: true }),
      bearer(token),
    );
    expect(replaced.status).toBe(201);
    secrets.push(await pinFromEnvelope(replaced.body.envelope.base64));
    await waitForOutbox((b) =>
      b.sms.some((m) => m.to === holder.contacts.mobile && /sede|branch/.test(m.text)),
    );
    const old = await postJson("/v1/sessions", { codiceFiscale: holder.codiceFiscale, pin: "RV5MZ9KD" });
    expect(old.status).toBe(401);
  });

  it("two issuances for the same person at once issue exactly one PIN", async () => {
    const person = pinRequestBody();
    const token = await operatorToken("branch");
    const answers = await Promise.all(
      [0, 1].map(() => postJson("/v1/operator/branch-issuances", branchBody(person), bearer(token))),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const winner = answers.find((a) => a.status === 201)!;
    secrets.push(await pinFromEnvelope(winner.body.envelope.base64));
  });

  it("registers an intermediary whose PIN lasts 90 days", async () => {
    const person = pinRequestBody();
    const token = await operatorToken("branch");
    const issued = await postJson(
      "/v1/operator/branch-issuances",
      branchBody(person, {
        holderKind: "intermediary",
        intermediary: { kind: "caf", organisation: "CAF Roma Est" },
      }),
      bearer(token),
    );
    expect(issued.status).toBe(201);
    expect(issued.body.holderKind).toBe("intermediary");
    const pin = await pinFromEnvelope(issued.body.envelope.base64);
    const access = await firstAccess(person.codiceFiscale, pin, "IM6QW2ZP");
    const me = await api("/v1/me", { headers: bearer(access) });
    expect(me.body.holderKind).toBe("intermediary");
    const days = (Date.parse(me.body.pinExpiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThan(91);
    await setClock(91 * 86_400);
    const expired = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: "IM6QW2ZP" });
    expect(expired.body).toMatchObject({ outcome: "pin-change-required", reason: "expired" });
  });
});

/** A person under 18 at the service clock, on no record yet. */
async function teenager() {
  const year = new Date().getUTCFullYear() - 12;
  const i = Math.floor(Math.random() * 9000);
  const base = makeCitizenN(i);
  const { buildCodiceFiscale } = await import("#shared/credentials/codice-fiscale");
  const person = { ...base, birthDate: `${year}-0${(i % 9) + 1}-1${i % 9}` };
  return { ...person, codiceFiscale: buildCodiceFiscale(person) };
}

describe("audit trail (F16)", () => {
  afterAll(() => setClock(0));

  it("lets auditors and back office page through a holder's events, and records every read", async () => {
    await setClock(0);
    const holder = pinRequestBody();
    await activeHolders([holder], "AU8TR3KX");
    const path = `/v1/operator/citizens/${holder.codiceFiscale}/events`;
    const auditor = bearer(await operatorToken("auditor", "au-dora"));
    const all = await api(path, { headers: auditor });
    expect(all.status).toBe(200);
    const types = all.body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(["pin-requested", "pin-activated"]));
    const times = all.body.items.map((e: { at: string }) => e.at);
    expect([...times].sort().reverse()).toEqual(times);

    const again = await api(path, { headers: bearer(await operatorToken("back-office", "bo-elio")) });
    // Each read is recorded before it is answered: this one, then the auditor's.
    expect(again.body.items.slice(0, 2)).toMatchObject([
      { type: "audit-read", actor: "operator:bo-elio", channel: "back-office" },
      { type: "audit-read", actor: "operator:au-dora", channel: "auditor" },
    ]);

    const first = await api(`${path}?limit=2`, { headers: auditor });
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe("string");
    const second = await api(`${path}?limit=2&cursor=${first.body.nextCursor}`, { headers: auditor });
    expect(second.body.items[0].at <= first.body.items[1].at).toBe(true);
    expect(second.body.items).not.toContainEqual(first.body.items[0]);

    const none = await api(`${path}?to=2000-01-01`, { headers: auditor });
    expect(none.body.items).toEqual([]);
    expect((await api(`${path}?limit=999`, { headers: auditor })).status).toBe(400);
    expect((await api(`${path}?cursor=bogus`, { headers: auditor })).status).toBe(400);
    expect((await api("/v1/operator/citizens/NOTACF/events", { headers: auditor })).status).toBe(400);
    expect((await api(path, { headers: bearer(await operatorToken("contact-center")) })).status).toBe(403);

    const login = await postJson("/v1/sessions", { codiceFiscale: holder.codiceFiscale, pin: "AU8TR3KX" });
    const mine = await api("/v1/me/events", { headers: bearer(login.body.accessToken) });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((e: { type: string }) => e.type)).toContain("login-succeeded");
    // Neither the request log (route templates only) nor any handler's log names the codice fiscale read.
    expect(readLogs()).not.toContain(holder.codiceFiscale);
  });

  it("never writes a part A, an envelope PIN or a full contact to the logs or the audit trail", async () => {
    expect(secrets.length).toBeGreaterThan(3);
    const logs = readLogs();
    for (const secret of [...secrets, ...fullContacts]) expect(logs).not.toContain(secret);
    expect(holders.length).toBeGreaterThan(3);
    const trail = JSON.stringify(await Promise.all(holders.map((cf) => auditEvents(cf))));
    expect(trail).toContain("operator:");
    for (const secret of [...secrets, ...fullContacts]) expect(trail).not.toContain(secret);
  });
});
