/**
 * F17 over HTTP on the local stack: a contact-center operator revokes for a caller without health card. The
 * answers are checked against the record, mismatches are limited per codice fiscale and day (exactly, under
 * parallel calls), the F6 link goes to the address given, and every registered contact is told.
 */
import { afterAll, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  clearOutbox,
  operatorToken,
  postJson,
  readLogs,
  setClock,
  settledOutbox,
  waitForOutbox,
} from "./helpers.ts";
import {
  activeHolders,
  auditEvents,
  issueInitialPins,
  linkTokenSentTo,
  type RequestBody,
} from "./journeys.ts";

const PIN = "RV7KQ3MZ";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const answersOf = (person: RequestBody) => ({
  birthDate: person.birthDate,
  birthPlaceCode: person.birthPlaceCode,
  residence: { countryCode: person.residence.countryCode, postalCode: person.residence.postalCode },
});

describe("contact-center revocation for a caller without health card (F17)", () => {
  // Only the limit's test moves the stack's clock (to the next day); it goes back for the files after this one.
  afterAll(() => setClock(0));

  it("a match sends the F6 link to the address given, every contact is told, the link revokes the PIN", async () => {
    const person = pinRequestBody();
    await activeHolders([person], PIN);
    await clearOutbox();
    const token = await operatorToken("contact-center", "cc-5");
    const address = `caller-${person.codiceFiscale.toLowerCase()}@example.net`;
    const body = { codiceFiscale: person.codiceFiscale, answers: answersOf(person), email: address };

    const sent = await postJson("/v1/operator/revocations", body, bearer(token));
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ sentTo: { channel: "email", masked: expect.stringMatching(/•/) } });
    const linkToken = await linkTokenSentTo(address);
    expect(linkToken).toBeDefined();
    const box = await waitForOutbox(
      (b) =>
        b.sms.some((m) => m.to === person.contacts.mobile) &&
        b.emails.some((m) => m.to === person.contacts.email),
    );
    for (const notice of [
      ...box.sms.filter((m) => m.to === person.contacts.mobile),
      ...box.emails.filter((m) => m.to === person.contacts.email),
    ]) {
      expect(notice.text).toContain("contact center");
      expect(notice.text).toContain(sent.body.sentTo.masked);
      expect(notice.text).not.toContain(linkToken);
    }

    // The PIN works until the caller confirms; then it is revoked, and the operator finds no live PIN.
    expect((await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN })).status).toBe(
      200,
    );
    const confirmed = await postJson("/v1/revocations/confirm", { token: linkToken });
    expect(confirmed.body).toEqual({ outcome: "revoked" });
    expect((await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN })).status).toBe(
      401,
    );
    const after = await postJson("/v1/operator/revocations", body, bearer(token));
    expect(after.status).toBe(404);
    expect(after.body.code).toBe("holder-not-found");

    const requested = (await auditEvents(person.codiceFiscale)).filter(
      (e) => e.type === "revocation-requested",
    );
    expect(requested).toMatchObject([
      { channel: "contact-center", actor: "operator:cc-5", outcome: "success" },
    ]);
    const written = `${readLogs()}${JSON.stringify(await auditEvents(person.codiceFiscale))}`;
    expect(written).not.toContain(linkToken);
    expect(written).not.toContain(address);
  });

  it("of parallel mismatches exactly 3 are 422 naming no field, the rest and a later match 429 until the next day", async () => {
    const person = pinRequestBody();
    await issueInitialPins([person]);
    let token = await operatorToken("contact-center", "cc-6");
    const wrong = { ...answersOf(person), residence: { countryCode: "CA", postalCode: "H2X 1Y4" } };
    const call = (answers: ReturnType<typeof answersOf>) =>
      postJson(
        "/v1/operator/revocations",
        { codiceFiscale: person.codiceFiscale, answers, pec: "caller@pec.example.net" },
        bearer(token),
      );

    const replies = await Promise.all(Array.from({ length: 8 }, () => call(wrong)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([422, 422, 422, 429, 429, 429, 429, 429]);
    const failed = replies.find((r) => r.status === 422)!;
    expect(failed.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(failed.body.code).toBe("verification-failed");
    expect(failed.body.errors).toBeUndefined();
    expect(JSON.stringify(failed.body)).not.toMatch(/postal|country|birth|place/i);

    const today = await call(answersOf(person));
    expect(today.status).toBe(429);
    expect(today.body.code).toBe("verification-limit");
    expect(Number(today.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await settledOutbox()).emails.filter((m) => m.to === "caller@pec.example.net")).toEqual([]);

    await setClock(86_400);
    token = await operatorToken("contact-center", "cc-6"); // the operator's token of yesterday has expired
    const tomorrow = await call(answersOf(person));
    expect(tomorrow.status).toBe(202);
    expect(tomorrow.body.sentTo.channel).toBe("pec");
  });

  it("bad input is a 4xx problem before anything is checked; other groups and anonymous callers are refused", async () => {
    const person = pinRequestBody();
    const token = await operatorToken("contact-center");
    const base = { codiceFiscale: person.codiceFiscale, answers: answersOf(person) };
    const bad = [
      { ...base },
      { ...base, email: "a@example.net", pec: "b@pec.example.net" },
      { ...base, email: "a@example.net", answers: { ...answersOf(person), birthDate: "31/12/1980" } },
      { ...base, email: "a@example.net", answers: { ...answersOf(person), healthCard: "none" } },
      { ...base, email: "a@example.net", codiceFiscale: "RSSMRA80A01Z404X" },
    ];
    for (const body of bad) {
      const reply = await postJson("/v1/operator/revocations", body, bearer(token));
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.code).toBe("validation-failed");
    }
    const body = { ...base, email: "a@example.net" };
    expect((await postJson("/v1/operator/revocations", body)).status).toBe(401);
    const branch = await postJson("/v1/operator/revocations", body, bearer(await operatorToken("branch")));
    expect(branch.status).toBe(403);
  });
});
