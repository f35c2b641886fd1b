import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "#shared/routes";
import { makeCitizenN } from "../fixtures/citizens.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { api, clearOutbox, identityToken, postJson, setClock } from "./helpers.ts";
import { activeHolders, linkTokenSentTo, type RequestBody } from "./journeys.ts";

const PIN = "R7KW2M9X";
const healthCard = { number: "80380001200000000001", expiryDate: "2029-12-31" };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ref = (p: { codiceFiscale: string; surname: string; givenName: string }) => ({
  codiceFiscale: p.codiceFiscale,
  surname: p.surname,
  givenName: p.givenName,
});

/** Every route a citizen access token opens (delegated tokens included where they are accepted). */
const citizenRoutes = routes.filter(
  ({ access }) =>
    access.kind === "citizen" ||
    access.kind === "citizen-or-identity" ||
    (access.kind === "public" && access.bearer === "citizen"),
);

async function accessToken(person: RequestBody): Promise<string> {
  const answer = await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: PIN });
  expect(answer.body.outcome).toBe("authenticated");
  return answer.body.accessToken as string;
}

async function confirmLink(start: string, body: Record<string, unknown>, to: string, confirm: string) {
  await clearOutbox();
  expect((await postJson(start, body)).status).toBe(202);
  const token = await linkTokenSentTo(to);
  expect(token).toBeDefined();
  expect((await postJson(confirm, { token })).status).toBe(200);
}

describe("an access token dies with its PIN", () => {
  let revoked: RequestBody;
  let recovered: RequestBody;
  let delegate: RequestBody;
  const dead = new Map<string, string>();

  beforeAll(async () => {
    await setClock(0);
    [revoked, recovered, delegate] = [pinRequestBody({ healthCard }), pinRequestBody(), pinRequestBody()];
    await activeHolders([revoked, recovered, delegate], PIN);
    const revokedOwn = await accessToken(revoked);
    const given = await postJson("/v1/delegations", { delegate: ref(delegate) }, bearer(revokedOwn));
    expect(given.status).toBe(201);
    const session = await postJson(
      `/v1/delegations/${given.body.id}/sessions`,
      {},
      bearer(await accessToken(delegate)),
    );
    expect(session.status).toBe(200);
    dead.set("revoked PIN", revokedOwn);
    dead.set("recovered PIN", await accessToken(recovered));
    dead.set("delegated token on a revoked PIN", session.body.accessToken);
    // Alive until the PIN goes: the tokens below die of that alone.
    for (const [what, token] of dead)
      expect((await api("/v1/me", { headers: bearer(token) })).status, what).toBe(200);

    await confirmLink(
      "/v1/revocations",
      { codiceFiscale: revoked.codiceFiscale, healthCard, email: revoked.contacts.email },
      revoked.contacts.email,
      "/v1/revocations/confirm",
    );
    await confirmLink(
      "/v1/recoveries",
      {
        codiceFiscale: recovered.codiceFiscale,
        mobile: recovered.contacts.mobile,
        email: recovered.contacts.email,
      },
      recovered.contacts.email,
      "/v1/recoveries/confirm",
    );
  });
  afterAll(() => setClock(0));

  it("walks every citizen route of the table", () => {
    expect(citizenRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        "POST /v1/delegations",
        "GET /v1/me/events",
        "GET /v1/me",
        "POST /v1/pin-changes",
      ]),
    );
  });

  it("answers 401 on every citizen route to a token whose PIN was revoked or recovered since", async () => {
    const stranger = makeCitizenN(72_000 + Math.floor(Math.random() * 900));
    const leaks: string[] = [];
    for (const route of citizenRoutes) {
      const path = route.path.replace(/\{[^}]+\}/g, randomUUID());
      for (const [what, token] of dead) {
        // A body the route would accept, were the token good: only the token can make it a 401.
        const body = route.path === "/v1/delegations" ? { delegate: ref(stranger) } : {};
        const reply = await api(path, {
          method: route.method,
          headers: { "content-type": "application/json", ...bearer(token) },
          ...(route.method === "GET" || route.method === "DELETE" ? {} : { body: JSON.stringify(body) }),
        });
        if (reply.status !== 401 || reply.headers.get("content-type") !== "application/problem+json") {
          leaks.push(`${route.method} ${route.path} with a ${what}: ${reply.status}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    const delegations = await api("/v1/delegations", {
      headers: bearer(await identityToken(stranger.codiceFiscale)),
    });
    expect(delegations.body.received).toEqual([]);
  });

  it("still serves SPID/CIE/CNS identity tokens, and refuses to let one without a live PIN delegate", async () => {
    const spid = bearer(await identityToken(revoked.codiceFiscale, "spid"));
    const list = await api("/v1/delegations", { headers: spid });
    expect(list.status).toBe(200);
    expect(list.body.given).toHaveLength(1);
    const give = await postJson("/v1/delegations", { delegate: ref(makeCitizenN(72_950)) }, spid);
    expect(give.status).toBe(422);
    expect(give.body.code).toBe("delegator-without-pin");
    const cie = bearer(await identityToken(recovered.codiceFiscale, "cie"));
    expect((await api("/v1/delegations", { headers: cie })).status).toBe(200);
  });
});
