import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  clearOutbox,
  identityToken,
  operatorToken,
  outbox,
  postJson,
  putOnRecord,
  readLogs,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import { activeHolders, linkTokenSentTo, type RequestBody } from "./journeys.ts";

const PIN = "T6RW3N8Q";
const healthCard = { number: "80380001200000000001", expiryDate: "2029-12-31" };
const secrets: string[] = [];

describe("self-service: recovery, revocation, phone PIN", () => {
  let people: RequestBody[];
  beforeAll(async () => {
    await setClock(0);
    people = Array.from({ length: 5 }, () => pinRequestBody({ healthCard }));
    await activeHolders(people, PIN);
  });
  beforeEach(async () => {
    await setClock(0);
    await clearOutbox();
  });
  afterAll(() => setClock(0));

  it("recovers a PIN with two registered contacts: one of 8 parallel confirmations wins, halves on two channels", async () => {
    const person = people[0]!;
    const requested = await postJson("/v1/recoveries", {
      codiceFiscale: person.codiceFiscale,
      mobile: person.contacts.mobile,
      email: person.contacts.email.toUpperCase(),
    });
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual({ status: "accepted" });
    const token = await linkTokenSentTo(person.contacts.email);
    expect(token).toBeDefined();
    secrets.push(token!);
    const started = (
      await waitForOutbox((b) =>
        b.sms.some((m) => m.to === person.contacts.mobile && /ripristino|recovery/i.test(m.text)),
      )
    ).sms.filter((m) => m.to === person.contacts.mobile);
    expect(started.map((m) => m.text).join()).toMatch(/ripristino|recovery/i);

    await clearOutbox();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => postJson("/v1/recoveries/confirm", { token })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(7);
    const winner = answers.find((a) => a.status === 200)!;
    expect(winner.body).toMatchObject({
      outcome: "pin-reissued",
      partASentTo: { channel: "sms" },
      partBSentTo: { channel: "email" },
    });

    const box = await outbox();
    const partA = /è ([0-9A-F]{8})/.exec(
      box.sms.find((m) => m.to === person.contacts.mobile && /nuovo PIN è/.test(m.text))?.text ?? "",
    )?.[1];
    const partB = /è ([0-9A-F]{8})/.exec(
      box.emails.find((m) => m.to === person.contacts.email && /nuovo PIN è/.test(m.text))?.text ?? "",
    )?.[1];
    expect(partA).toMatch(/^[0-9A-F]{8}$/);
    expect(partB).toMatch(/^[0-9A-F]{8}$/);
    secrets.push(partA!, partB!);

    expect((await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN })).status).toBe(
      401,
    );
    const first = await postJson("/v1/sessions", {
      codiceFiscale: person.codiceFiscale,
      pin: partA! + partB!,
    });
    expect(first.body).toMatchObject({ outcome: "pin-change-required", reason: "first-access" });
    expect((await postJson("/v1/recoveries/confirm", { token })).status).toBe(401);
  });

  it("answers wrong contacts, unknown holders, unused PINs and over-limit requests byte for byte alike, sending nothing", async () => {
    const [, person, limited] = people as [RequestBody, RequestBody, RequestBody];
    const unused = pinRequestBody();
    await putOnRecord(unused);
    await postJson("/v1/pin-requests", unused);
    await clearOutbox();
    const answers = [
      await postJson("/v1/recoveries", {
        codiceFiscale: person.codiceFiscale,
        mobile: "+14155559999",
        email: person.contacts.email,
      }),
      await postJson("/v1/recoveries", {
        codiceFiscale: pinRequestBody().codiceFiscale,
        mobile: "+14155559999",
        email: "x@example.org",
      }),
      await postJson("/v1/recoveries", {
        codiceFiscale: unused.codiceFiscale,
        mobile: unused.contacts.mobile,
        email: unused.contacts.email,
      }),
    ];
    expect(await settledOutbox()).toEqual({ sms: [], emails: [] });
    const right = {
      codiceFiscale: limited.codiceFiscale,
      mobile: limited.contacts.mobile,
      email: limited.contacts.email,
    };
    for (let i = 0; i < 3; i++) expect((await postJson("/v1/recoveries", right)).status).toBe(202);
    await clearOutbox();
    answers.push(await postJson("/v1/recoveries", right));
    expect(await settledOutbox()).toEqual({ sms: [], emails: [] });
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ status: "accepted" });
    }
    const bad = await postJson("/v1/recoveries", {
      codiceFiscale: person.codiceFiscale,
      email: person.contacts.email,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("validation-failed");
  });

  it("refuses a link that expired even before TTL removes it", async () => {
    const person = people[3]!;
    await postJson("/v1/recoveries", {
      codiceFiscale: person.codiceFiscale,
      mobile: person.contacts.mobile,
      email: person.contacts.email,
    });
    const token = await linkTokenSentTo(person.contacts.email);
    secrets.push(token!);
    await setClock(25 * 3600);
    const late = await postJson("/v1/recoveries/confirm", { token });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("invalid-token");
  });

  it("revokes with the health card through a link to a new address; a new request then issues a PIN", async () => {
    const person = people[4]!;
    const wrongCard = await postJson("/v1/revocations", {
      codiceFiscale: person.codiceFiscale,
      healthCard: { ...healthCard, number: "80380001200000000002" },
      email: "new-address@example.net",
    });
    expect(wrongCard.body).toEqual({ status: "accepted" });
    expect((await settledOutbox()).emails).toHaveLength(0);

    const requested = await postJson("/v1/revocations", {
      codiceFiscale: person.codiceFiscale,
      healthCard,
      email: "new-address@example.net",
    });
    expect(requested.body).toEqual(wrongCard.body);
    const token = await linkTokenSentTo("new-address@example.net");
    expect(token).toBeDefined();
    secrets.push(token!);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => postJson("/v1/revocations/confirm", { token })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect((await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN })).status).toBe(
      401,
    );
    await waitForOutbox((b) =>
      b.emails.some((m) => m.to === person.contacts.email && /revocato|revoked/i.test(m.subject)),
    );

    await clearOutbox();
    expect((await postJson("/v1/pin-requests", person)).status).toBe(202);
    expect(
      (await outbox()).sms.some(
        (m) => m.to === person.contacts.mobile && /prima parte del tuo PIN è [0-9A-F]{8}/.test(m.text),
      ),
    ).toBe(true);
  });

  it("issues phone PINs to SPID/CIE/CNS holders that contact-center operators verify, five wrong tries killing them", async () => {
    const person = people[1]!;
    const identity = await identityToken(person.codiceFiscale, "cie");
    const issue = () =>
      api("/v1/phone-pins", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${identity}` },
        body: JSON.stringify({ validity: "1d" }),
      });
    const old = await issue();
    expect(old.status).toBe(201);
    const fresh = await issue();
    expect(fresh.body.phonePin).toMatch(/^\d{8}$/);
    secrets.push(old.body.phonePin, fresh.body.phonePin);
    const operator = await operatorToken("contact-center", "op-7");
    const check = (phonePin: string, token = operator) =>
      api("/v1/operator/phone-pin-verifications", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ codiceFiscale: person.codiceFiscale, phonePin }),
      });
    expect((await check(old.body.phonePin)).body).toEqual({ valid: false });
    expect((await check(fresh.body.phonePin)).body).toEqual({ valid: true });

    const citizen = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN });
    expect((await check(fresh.body.phonePin, citizen.body.accessToken)).status).toBe(401);
    expect((await check(fresh.body.phonePin, identity)).status).toBe(401);
    expect((await check(fresh.body.phonePin, await operatorToken("branch"))).status).toBe(403);
    // Without a token the answer is 401 whatever the body: an anonymous caller learns nothing of what it takes.
    for (const body of ["{}", '{"validity":"1d"}']) {
      const anonymous = await api("/v1/phone-pins", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(anonymous.status).toBe(401);
    }
    expect(
      (
        await api("/v1/phone-pins", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${identity}` },
          body: "{}",
        })
      ).status,
    ).toBe(400);

    await setClock(2 * 86_400);
    // Tokens are checked on the service clock: two days on, the operator signs in again.
    expect((await check(fresh.body.phonePin, await operatorToken("contact-center", "op-7"))).body).toEqual({
      valid: false,
    });
    await setClock(0);

    const wrong = await Promise.all(Array.from({ length: 8 }, (_, i) => check(String(10_000_000 + i))));
    expect(wrong.every((w) => w.body.valid === false)).toBe(true);
    expect((await check(fresh.body.phonePin)).body).toEqual({ valid: false });
  });

  it("keeps link tokens, PIN halves and phone PINs out of the logs", () => {
    const logs = readLogs();
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
