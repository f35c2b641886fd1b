import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pinRequestBody } from "../fixtures/requests.ts";
import { postJson, setClock } from "./helpers.ts";
import { issueInitialPins, type RequestBody } from "./journeys.ts";

const login = (person: RequestBody, pin: string) =>
  postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin });
const changeWith = (changeToken: string, newPin: string) =>
  postJson("/v1/pin-changes", { changeToken, newPin });

describe("change tokens are bound to the PIN they replace", () => {
  let people: RequestBody[];
  let pins: Map<string, string>;

  beforeAll(async () => {
    await setClock(0);
    people = [pinRequestBody(), pinRequestBody()];
    pins = await issueInitialPins(people);
  });

  beforeEach(() => setClock(0));
  afterAll(() => setClock(0));

  it("two first-access logins: the first token sets the PIN, the second is refused and the PIN stays", async () => {
    const person = people[0]!;
    const initial = pins.get(person.codiceFiscale)!;
    const [one, two] = [await login(person, initial), await login(person, initial)];
    expect(one.body).toMatchObject({ outcome: "pin-change-required", reason: "first-access" });
    expect(two.body).toMatchObject({ outcome: "pin-change-required", reason: "first-access" });
    expect(two.body.changeToken).not.toBe(one.body.changeToken);

    // A wrong guess between minting and using a token leaves the token alone.
    expect((await login(person, "0000000000000000")).status).toBe(401);

    const first = await changeWith(one.body.changeToken, "H4K8M2P6");
    expect(first.status).toBe(200);
    const second = await changeWith(two.body.changeToken, "J5L9N3Q7");
    expect(second.status).toBe(401);
    expect(second.body.code).toBe("invalid-token");

    expect((await login(person, "H4K8M2P6")).body.outcome).toBe("authenticated");
    expect((await login(person, "J5L9N3Q7")).status).toBe(401);
  });

  it("two renewal logins with an expired PIN: the first token renews it, the second is refused", async () => {
    const person = people[1]!;
    const first = await login(person, pins.get(person.codiceFiscale)!);
    expect((await changeWith(first.body.changeToken, "K6M2P4R8")).status).toBe(200);

    await setClock(181 * 86_400);
    const [one, two] = [await login(person, "K6M2P4R8"), await login(person, "K6M2P4R8")];
    expect(one.body).toMatchObject({ outcome: "pin-change-required", reason: "expired" });
    expect(two.body).toMatchObject({ outcome: "pin-change-required", reason: "expired" });
    expect((await changeWith(one.body.changeToken, "L7N3Q5S9")).status).toBe(200);
    const stale = await changeWith(two.body.changeToken, "M8P4R6T2");
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe("invalid-token");

    expect((await login(person, "L7N3Q5S9")).body.outcome).toBe("authenticated");
    expect((await login(person, "M8P4R6T2")).status).toBe(401);
  });
});
