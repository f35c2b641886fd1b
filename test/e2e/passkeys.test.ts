import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { SoftwareAuthenticator } from "../fixtures/authenticator.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import {
  api,
  clearOutbox,
  endpoints,
  identityToken,
  postJson,
  type Reply,
  readLogs,
  setClock,
  waitForOutbox,
} from "./helpers.ts";
import { activeHolders, auditEvents, linkTokenSentTo, type RequestBody, tableClient } from "./journeys.ts";

const PIN = "PK7WQ3ZM";
const healthCard = { number: "80380001200000000001", expiryDate: "2029-12-31" };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** The relying party is the web origin, which locally is the gateway's own port on localhost (local/main.ts). */
const webOrigin = () => `http://localhost:${new URL(inject("apiUrl")).port}`;

async function pinLogin(person: RequestBody): Promise<string> {
  const answer = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN });
  expect(answer.body.outcome).toBe("authenticated");
  return answer.body.accessToken as string;
}

/** Options, the authenticator's answer, the registration: the registration's reply. */
async function addPasskey(
  token: string,
  authenticator: SoftwareAuthenticator,
  name?: string,
): Promise<Reply> {
  const options = await postJson("/v1/passkeys/registration-options", {}, bearer(token));
  if (options.status !== 200) return options;
  const response = authenticator.register(options.body.options);
  return postJson(
    "/v1/passkeys",
    { challengeId: options.body.challengeId, response, ...(name ? { name } : {}) },
    bearer(token),
  );
}

async function loginOptions() {
  const options = await postJson("/v1/passkey-sessions/options", {});
  expect(options.status).toBe(200);
  return options.body as { challengeId: string; options: Record<string, unknown> };
}

async function passkeyLogin(authenticator: SoftwareAuthenticator, lies = {}): Promise<Reply> {
  const { challengeId, options } = await loginOptions();
  return postJson("/v1/passkey-sessions", { challengeId, response: authenticator.assert(options, lies) });
}

/** The holder's passkey items in the table (the passkeys and their count). */
async function storedPasskeyItems(codiceFiscale: string) {
  const { Items = [] } = await tableClient().send(
    new QueryCommand({
      TableName: endpoints().tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :passkey)",
      ExpressionAttributeValues: { ":pk": `CF#${codiceFiscale}`, ":passkey": "PASSKEY" },
    }),
  );
  return Items;
}

const invalid = (reply: Reply) => {
  expect(reply.status).toBe(401);
  expect(reply.body.code).toBe("invalid-credentials");
  return reply.body;
};

describe("passkeys (F19)", () => {
  let people: RequestBody[];
  beforeAll(async () => {
    await setClock(0);
    people = Array.from({ length: 6 }, () => pinRequestBody({ healthCard }));
    await activeHolders(people, PIN);
  });
  beforeEach(() => setClock(0));
  afterAll(() => setClock(0));

  it("adds a passkey after a PIN login, tells every contact, and logs in with it without a codice fiscale", async () => {
    const person = people[0]!;
    const token = await pinLogin(person);
    const options = await postJson("/v1/passkeys/registration-options", {}, bearer(token));
    expect(options.status).toBe(200);
    const creation = options.body.options;
    expect(creation.rp.id).toBe(new URL(webOrigin()).hostname);
    expect(creation.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    expect(creation.attestation).toBe("none");
    expect(
      creation.pubKeyCredParams.map((p: { alg: number }) => p.alg).sort((a: number, b: number) => a - b),
    ).toEqual([-257, -8, -7]);
    // The user handle is random, never the codice fiscale.
    const handle = Buffer.from(creation.user.id, "base64url");
    expect(handle.length).toBe(32);
    expect(handle.toString("latin1")).not.toContain(person.codiceFiscale);

    await clearOutbox();
    const authenticator = new SoftwareAuthenticator(webOrigin());
    const added = await postJson(
      "/v1/passkeys",
      { challengeId: options.body.challengeId, response: authenticator.register(creation), name: "Laptop" },
      bearer(token),
    );
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(String), name: "Laptop", createdAt: expect.any(String) });
    await waitForOutbox(
      (box) =>
        box.emails.some((m) => m.to === person.contacts.email && m.text.includes('"Laptop"')) &&
        box.sms.some((m) => m.to === person.contacts.mobile && m.text.includes('"Laptop"')),
    );
    expect((await auditEvents(person.codiceFiscale)).map((e) => e.type)).toContain("passkey-added");

    const { challengeId, options: request } = await loginOptions();
    expect(request.allowCredentials ?? []).toEqual([]);
    expect(request.userVerification).toBe("required");
    const login = await postJson("/v1/passkey-sessions", {
      challengeId,
      response: authenticator.assert(request),
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ outcome: "authenticated", pinType: "ordinario" });
    expect(decodeJwt(login.body.accessToken).amr).toEqual(["pop"]);
    expect(decodeJwt(token).amr).toEqual(["pwd"]);
    const me = await api("/v1/me", { headers: bearer(login.body.accessToken) });
    expect(me.body.codiceFiscale).toBe(person.codiceFiscale);

    const list = await api("/v1/passkeys", { headers: bearer(login.body.accessToken) });
    expect(list.body.items).toEqual([
      {
        id: added.body.id,
        name: "Laptop",
        createdAt: added.body.createdAt,
        lastUsedAt: expect.any(String),
        backedUp: false,
        suspect: false,
      },
    ]);
    const renamed = await api(`/v1/passkeys/${added.body.id}`, {
      method: "PATCH",
      headers: { ...bearer(login.body.accessToken), "content-type": "application/json" },
      body: JSON.stringify({ name: "Work laptop" }),
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe("Work laptop");
    // A passkey login is no PIN login: it cannot bind another passkey.
    const rebind = await postJson("/v1/passkeys/registration-options", {}, bearer(login.body.accessToken));
    expect(rebind.status).toBe(401);
    expect(rebind.body.code).toBe("reauthentication-required");
  });

  it("gives exactly one session when the same assertion races, and one identical 401 for every other failure", async () => {
    const person = people[1]!;
    const authenticator = new SoftwareAuthenticator(webOrigin());
    expect((await addPasskey(await pinLogin(person), authenticator)).status).toBe(201);

    const { challengeId, options } = await loginOptions();
    const response = authenticator.assert(options);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => postJson("/v1/passkey-sessions", { challengeId, response })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const failures = answers.filter((a) => a.status !== 200).map(invalid);
    expect(new Set(failures.map((f) => JSON.stringify(f))).size).toBe(1);
    // The challenge is spent: not even a fresh signature over it gets in.
    invalid(await postJson("/v1/passkey-sessions", { challengeId, response: authenticator.assert(options) }));

    const wrongOrigin = invalid(await passkeyLogin(authenticator, { origin: "https://evil.example" }));
    const wrongRp = invalid(await passkeyLogin(authenticator, { rpId: "evil.example" }));
    const notVerified = invalid(await passkeyLogin(authenticator, { flags: 0x01 }));
    const unknown = new SoftwareAuthenticator(webOrigin());
    unknown.register({ rp: { id: new URL(webOrigin()).hostname }, user: { id: "AAAA" }, challenge: "AAAA" });
    const stranger = invalid(await passkeyLogin(unknown));
    const garbage = invalid(
      await postJson("/v1/passkey-sessions", { challengeId: crypto.randomUUID(), response }),
    );
    expect(
      new Set([wrongOrigin, wrongRp, notVerified, stranger, garbage].map((f) => JSON.stringify(f))).size,
    ).toBe(1);
    // The real authenticator still gets in: none of those burned it.
    expect((await passkeyLogin(authenticator)).status).toBe(200);
  });

  it("refuses a registration from another origin or relying party", async () => {
    const token = await pinLogin(people[2]!);
    for (const lies of [{ origin: "https://evil.example" }, { rpId: "evil.example" }]) {
      const options = await postJson("/v1/passkeys/registration-options", {}, bearer(token));
      const response = new SoftwareAuthenticator(webOrigin()).register(options.body.options, lies);
      const answer = await postJson(
        "/v1/passkeys",
        { challengeId: options.body.challengeId, response },
        bearer(token),
      );
      expect(answer.status, JSON.stringify(lies)).toBe(400);
      expect(answer.body.code).toBe("passkey-not-verified");
    }
    expect((await api("/v1/passkeys", { headers: bearer(token) })).body.items).toEqual([]);
  });

  it("marks a passkey suspect when its signature counter goes backwards, and refuses it from then on", async () => {
    const person = people[2]!;
    const authenticator = new SoftwareAuthenticator(webOrigin());
    expect((await addPasskey(await pinLogin(person), authenticator)).status).toBe(201);
    expect((await passkeyLogin(authenticator, { counter: 10 })).status).toBe(200);
    invalid(await passkeyLogin(authenticator, { counter: 7 }));
    invalid(await passkeyLogin(authenticator, { counter: 50 }));
    const list = await api("/v1/passkeys", { headers: bearer(await pinLogin(person)) });
    expect(list.body.items.map((p: { suspect: boolean }) => p.suspect)).toEqual([true]);
    expect((await auditEvents(person.codiceFiscale)).map((e) => e.type)).toContain("passkey-suspect");
  });

  it("allows exactly 5 passkeys per holder under parallel registrations", async () => {
    const token = await pinLogin(people[3]!);
    const authenticator = new SoftwareAuthenticator(webOrigin());
    const answers = await Promise.all(Array.from({ length: 8 }, () => addPasskey(token, authenticator)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe("passkey-limit");
    }
    expect((await api("/v1/passkeys", { headers: bearer(token) })).body.items).toHaveLength(5);
  });

  it("asks for a recent login: 5 minutes for adding (PIN only) and for deleting (PIN or passkey)", async () => {
    const person = people[4]!;
    const authenticator = new SoftwareAuthenticator(webOrigin());
    const token = await pinLogin(person);
    const added = await addPasskey(token, authenticator);
    expect(added.status).toBe(201);
    await setClock(6 * 60);
    for (const reply of [
      await postJson("/v1/passkeys/registration-options", {}, bearer(token)),
      await api(`/v1/passkeys/${added.body.id}`, { method: "DELETE", headers: bearer(token) }),
    ]) {
      expect(reply.status).toBe(401);
      expect(reply.body.code).toBe("reauthentication-required");
    }
    const viaPasskey = await passkeyLogin(authenticator);
    await clearOutbox();
    const deleted = await api(`/v1/passkeys/${added.body.id}`, {
      method: "DELETE",
      headers: bearer(viaPasskey.body.accessToken),
    });
    expect(deleted.status).toBe(204);
    await waitForOutbox((box) =>
      box.emails.some((m) => m.to === person.contacts.email && /Passkey/.test(m.subject)),
    );
    invalid(await passkeyLogin(authenticator));
  });

  it("keeps the PIN's expiry: with an expired PIN a passkey login leads to renewal, then works again", async () => {
    const person = people[0]!;
    const authenticator = new SoftwareAuthenticator(webOrigin());
    expect((await addPasskey(await pinLogin(person), authenticator)).status).toBe(201);
    await setClock(181 * 86_400);
    const expired = await passkeyLogin(authenticator);
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({ outcome: "pin-change-required", reason: "expired" });
    const renewed = await postJson("/v1/pin-changes", {
      changeToken: expired.body.changeToken,
      newPin: "RN4WQ8ZT",
    });
    expect(renewed.status).toBe(200);
    const after = await passkeyLogin(authenticator);
    expect(after.body.outcome).toBe("authenticated");
  });

  it("refuses a delegated token with 403", async () => {
    const [delegator, delegate] = [people[5]!, people[4]!];
    const own = await pinLogin(delegator);
    const given = await postJson(
      "/v1/delegations",
      {
        delegate: {
          codiceFiscale: delegate.codiceFiscale,
          surname: delegate.surname,
          givenName: delegate.givenName,
        },
      },
      bearer(own),
    );
    expect(given.status).toBe(201);
    const session = await postJson(
      `/v1/delegations/${given.body.id}/sessions`,
      {},
      bearer(await pinLogin(delegate)),
    );
    for (const reply of [
      await postJson("/v1/passkeys/registration-options", {}, bearer(session.body.accessToken)),
      await api("/v1/passkeys", { headers: bearer(session.body.accessToken) }),
    ]) {
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe("forbidden");
    }
    // An identity token (SPID) is no citizen token either.
    expect(
      (
        await postJson(
          "/v1/passkeys/registration-options",
          {},
          bearer(await identityToken(delegator.codiceFiscale)),
        )
      ).status,
    ).toBe(401);
  });

  it("follows the credential: locked refuses, recovery keeps and names them, revocation deletes them", async () => {
    const person = people[5]!;
    const authenticator = new SoftwareAuthenticator(webOrigin());
    expect((await addPasskey(await pinLogin(person), authenticator, "Phone")).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: "WRONG123" });
    }
    invalid(await passkeyLogin(authenticator));
    await setClock(16 * 60);
    expect((await passkeyLogin(authenticator)).status).toBe(200);

    // Recovery keeps the passkeys and its notice names them; until first access they wait with the PIN.
    await clearOutbox();
    await postJson("/v1/recoveries", {
      codiceFiscale: person.codiceFiscale,
      mobile: person.contacts.mobile,
      email: person.contacts.email,
    });
    const link = await linkTokenSentTo(person.contacts.email);
    expect((await postJson("/v1/recoveries/confirm", { token: link })).status).toBe(200);
    await waitForOutbox((box) =>
      box.emails.some(
        (m) => m.to === person.contacts.email && /ripristinato/.test(m.subject) && m.text.includes('"Phone"'),
      ),
    );
    invalid(await passkeyLogin(authenticator));

    await clearOutbox();
    await postJson("/v1/revocations", {
      codiceFiscale: person.codiceFiscale,
      healthCard,
      email: "pk-revoke@example.net",
    });
    const token = await linkTokenSentTo("pk-revoke@example.net");
    expect((await postJson("/v1/revocations/confirm", { token })).status).toBe(200);
    invalid(await passkeyLogin(authenticator));
    expect(await storedPasskeyItems(person.codiceFiscale)).toEqual([]);
    expect((await auditEvents(person.codiceFiscale)).some((e) => e.type === "passkey-login-refused")).toBe(
      true,
    );
    expect(readLogs()).not.toContain(link!);
  });
});
