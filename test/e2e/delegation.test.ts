import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeCitizenN } from "../fixtures/citizens.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  clearOutbox,
  identityToken,
  operatorToken,
  postJson,
  setClock,
  waitForOutbox,
} from "./helpers.ts";
import { activeHolders, auditEvents, type RequestBody } from "./journeys.ts";

const PIN = "DL6WQ3ZM";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ref = (p: { codiceFiscale: string; surname: string; givenName: string }) => ({
  codiceFiscale: p.codiceFiscale,
  surname: p.surname,
  givenName: p.givenName,
});
const daysAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function login(person: RequestBody): Promise<string> {
  const answer = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN });
  expect(answer.body.outcome).toBe("authenticated");
  return answer.body.accessToken as string;
}

describe("delegation of digital identity (F14)", () => {
  let delegator: RequestBody;
  let delegate: RequestBody;
  beforeAll(async () => {
    await setClock(0);
    [delegator, delegate] = [pinRequestBody(), pinRequestBody()];
    await activeHolders([delegator!, delegate!], PIN);
  });
  beforeEach(() => setClock(0));
  afterAll(() => setClock(0));

  it("gives, lists, acts on behalf with an act claim, refuses credential management, and stops at revocation", async () => {
    const own = await login(delegator);
    const refused = [
      [{ delegate: ref(delegator) }, 422],
      [{ delegate: ref(delegate), endsOn: daysAhead(10) }, 400],
      [{ delegate: { ...ref(delegate), surname: "Zzyzx" } }, 422],
    ] as const;
    for (const [body, status] of refused) {
      expect((await postJson("/v1/delegations", body, bearer(own))).status, JSON.stringify(body)).toBe(
        status,
      );
    }
    await clearOutbox();
    const given = await postJson(
      "/v1/delegations",
      { delegate: ref(delegate), endsOn: daysAhead(60) },
      bearer(own),
    );
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({
      kind: "ordinary",
      delegator: { codiceFiscale: delegator.codiceFiscale },
      delegate: ref(delegate),
      endsOn: daysAhead(60),
      status: "active",
    });
    const id = given.body.id as string;
    const box = await waitForOutbox(
      (b) =>
        b.sms.some((m) => m.to === delegator.contacts.mobile && /delega|delegation/i.test(m.text)) &&
        b.sms.some((m) => m.to === delegate.contacts.mobile && /delega|delegation/i.test(m.text)),
    );
    expect(box.sms.some((m) => m.to === delegator.contacts.mobile && /delega|delegation/i.test(m.text))).toBe(
      true,
    );
    expect(box.sms.some((m) => m.to === delegate.contacts.mobile && /delega|delegation/i.test(m.text))).toBe(
      true,
    );
    const second = await postJson("/v1/delegations", { delegate: ref(makeCitizenN(77)) }, bearer(own));
    expect(second.status).toBe(409);
    expect(second.body.code).toBe("delegate-exists");

    // The delegate signs in with SPID: their own credentials, never the delegator's PIN.
    const spid = await identityToken(delegate.codiceFiscale, "spid");
    const lists = await api("/v1/delegations", { headers: bearer(spid) });
    expect(lists.body.received.map((d: { id: string }) => d.id)).toContain(id);
    expect((await api("/v1/delegations", { headers: bearer(own) })).body.given[0].id).toBe(id);

    const session = await postJson(`/v1/delegations/${id}/sessions`, {}, bearer(spid));
    expect(session.status).toBe(200);
    expect(session.body.expiresIn).toBe(900);
    const onBehalf = session.body.accessToken as string;
    const claims = decodeJwt(onBehalf);
    expect(claims.act).toMatchObject({ sub: expect.any(String) });
    expect(claims.sub).not.toBe(delegator.codiceFiscale);
    expect(JSON.stringify(claims)).not.toContain(delegator.codiceFiscale);
    expect(JSON.stringify(claims)).not.toContain(delegate.codiceFiscale);
    expect(claims.exp! - claims.iat!).toBe(900);

    const me = await api("/v1/me", { headers: bearer(onBehalf) });
    expect(me.status).toBe(200);
    expect(me.body.codiceFiscale).toBe(delegator.codiceFiscale);
    const application = await postJson("/v1/applications", { benefit: "assegno-unico" }, bearer(onBehalf));
    expect(application.status).toBe(201);
    expect((await api("/v1/applications", { headers: bearer(onBehalf) })).body.items).toHaveLength(1);

    const forbidden = [
      ["/v1/pin-changes", { currentPin: PIN, newPin: "QZ7WN4KX" }],
      [
        "/v1/recoveries",
        {
          codiceFiscale: delegator.codiceFiscale,
          mobile: delegator.contacts.mobile,
          email: delegator.contacts.email,
        },
      ],
      [
        "/v1/revocations",
        {
          codiceFiscale: delegator.codiceFiscale,
          healthCard: { number: "80380001200000000001", expiryDate: "2029-12-31" },
          email: "a@example.org",
        },
      ],
      ["/v1/phone-pins", { validity: "1d" }],
      ["/v1/delegations", { delegate: ref(makeCitizenN(78)) }],
      [`/v1/delegations/${id}/sessions`, {}],
      [
        "/v1/conversion-requests",
        {
          identityDocument: {
            kind: "passport",
            number: "X123",
            issuingCountry: "US",
            expiryDate: "2031-01-01",
          },
        },
      ],
    ] as const;
    for (const [path, body] of forbidden) {
      const answer = await postJson(path, body, bearer(onBehalf));
      expect(answer.status, path).toBe(403);
      expect(answer.body.code, path).toBe("forbidden");
    }
    expect((await api("/v1/delegations", { headers: bearer(onBehalf) })).status).toBe(403);
    expect((await api(`/v1/delegations/${id}`, { method: "DELETE", headers: bearer(onBehalf) })).status).toBe(
      403,
    );

    const trail = await auditEvents(delegator.codiceFiscale);
    expect(trail.find((e) => e.type === "application-submitted")).toMatchObject({
      actor: `delegate:${delegate.codiceFiscale}`,
    });
    expect((await auditEvents(delegate.codiceFiscale)).some((e) => e.type === "acted-on-behalf")).toBe(true);

    // The delegator revokes: the live delegated token stops at its next use.
    expect((await api(`/v1/delegations/${id}`, { method: "DELETE", headers: bearer(own) })).status).toBe(204);
    expect((await api("/v1/me", { headers: bearer(onBehalf) })).status).toBe(401);
    expect(
      (await api("/v1/delegations", { headers: bearer(spid) })).body.received.find(
        (d: { id: string }) => d.id === id,
      ).status,
    ).toBe("revoked");
    // The slot is free again.
    expect((await postJson("/v1/delegations", { delegate: ref(delegate) }, bearer(own))).status).toBe(201);
  });

  it("six delegators naming one delegate at once make exactly three delegations; guardians do not count", async () => {
    const target = makeCitizenN(60_000 + Math.floor(Math.random() * 9000));
    const givers = Array.from({ length: 6 }, (_, i) =>
      makeCitizenN(70_100 + i * 7 + Math.floor(Math.random() * 5)),
    );
    // They hold no PIN, so a branch registers them (online, an identity token without a PIN cannot delegate).
    const branch = bearer(await operatorToken("branch", "br-ilaria"));
    const answers = await Promise.all(
      givers.map((g) =>
        postJson(
          "/v1/operator/delegations",
          { delegator: ref(g), delegate: ref(target), kind: "ordinary" },
          branch,
        ),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === "delegation-limit")).toBe(
      true,
    );
    const received = await api("/v1/delegations", {
      headers: bearer(await identityToken(target.codiceFiscale)),
    });
    expect(received.body.received.filter((d: { status: string }) => d.status === "active")).toHaveLength(3);

    const ward = makeCitizenN(70_900 + Math.floor(Math.random() * 90));
    const guardian = await postJson(
      "/v1/operator/delegations",
      { delegator: ref(ward), delegate: ref(target), kind: "guardian" },
      branch,
    );
    expect(guardian.status).toBe(201);
    expect(guardian.body.kind).toBe("guardian");
    const fourthOrdinary = await postJson(
      "/v1/operator/delegations",
      { delegator: ref(makeCitizenN(70_990)), delegate: ref(target), kind: "ordinary" },
      branch,
    );
    expect(fourthOrdinary.body.code).toBe("delegation-limit");
  });

  it("an ended delegation stops working the moment its end date passes", async () => {
    const [giver, receiver] = [makeCitizenN(71_500 + Math.floor(Math.random() * 400)), delegate];
    const giverToken = await identityToken(giver.codiceFiscale);
    // Online, a delegator signed in with SPID/CIE/CNS needs a live PIN for the delegate to act with.
    const online = await postJson(
      "/v1/delegations",
      { delegate: ref(receiver), endsOn: daysAhead(31) },
      bearer(giverToken),
    );
    expect(online.status).toBe(422);
    expect(online.body.code).toBe("delegator-without-pin");
    const given = await postJson(
      "/v1/operator/delegations",
      { delegator: ref(giver), delegate: ref(receiver), kind: "ordinary", endsOn: daysAhead(31) },
      bearer(await operatorToken("branch", "br-ilaria")),
    );
    expect(given.status).toBe(201);
    const spid = await identityToken(receiver.codiceFiscale);
    // The giver holds no PIN: there is nothing to act with yet, but the delegation stands.
    expect((await postJson(`/v1/delegations/${given.body.id}/sessions`, {}, bearer(spid))).body.code).toBe(
      "delegator-without-pin",
    );
    await setClock(33 * 86_400);
    const later = await identityToken(receiver.codiceFiscale);
    const ended = await postJson(`/v1/delegations/${given.body.id}/sessions`, {}, bearer(later));
    expect(ended.status).toBe(409);
    expect(ended.body.code).toBe("delegation-ended");
    const list = await api("/v1/delegations", { headers: bearer(later) });
    expect(list.body.received.find((d: { id: string }) => d.id === given.body.id).status).toBe("ended");
  });
});
