import { describe, expect, it } from "vitest";
import {
  endDelegation,
  giveDelegation,
  listDelegations,
  MAX_ORDINARY_PER_DELEGATE,
  startDelegatedSession,
} from "#shared/delegations/delegation.service";
import type { Citizen } from "../../fixtures/citizens.ts";
import { auditOf, mockDelivery, nextCitizen, noticeTypesTo, putHolder } from "../holders.ts";

mockDelivery();
const citizenOrigin = { channel: "web", actor: "citizen" };
const ref = ({ codiceFiscale, surname, givenName }: Citizen) => ({ codiceFiscale, surname, givenName });
const people = (n: number, seed: number) => Array.from({ length: n }, () => nextCitizen(seed));
const settledCodes = (outcomes: PromiseSettledResult<unknown>[]) =>
  outcomes.map((o) => (o.status === "fulfilled" ? "given" : (o.reason as { code: string }).code)).sort();

describe("delegations (F14) on DynamoDB Local", () => {
  it(`a delegate holds at most ${MAX_ORDINARY_PER_DELEGATE} ordinary delegations, however many are given at once; guardianships do not count`, async () => {
    // Prepare
    const delegate = nextCitizen(30_000);
    const delegators = people(6, 30_000);

    // Act
    const outcomes = await Promise.allSettled(
      delegators.map((d) => giveDelegation(ref(d), ref(delegate), "ordinary", undefined, citizenOrigin)),
    );
    const guardianship = await giveDelegation(
      ref(nextCitizen(30_000)),
      ref(delegate),
      "guardian",
      undefined,
      { channel: "branch", actor: "operator:op-1" },
    );

    // Assess
    expect(settledCodes(outcomes)).toEqual([
      "delegation-limit",
      "delegation-limit",
      "delegation-limit",
      "given",
      "given",
      "given",
    ]);
    for (const o of outcomes.filter((o) => o.status === "rejected")) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ statusCode: 409 });
    }
    const { received } = await listDelegations(delegate.codiceFiscale);
    expect(received).toHaveLength(MAX_ORDINARY_PER_DELEGATE + 1);
    expect(received.map((d) => d.kind).sort()).toEqual(["guardian", "ordinary", "ordinary", "ordinary"]);
    expect(guardianship.status).toBe("active");
  });

  it("a delegator has one active delegate: of parallel gives one wins, and after revoking a new one can be given", async () => {
    // Prepare
    const delegator = nextCitizen(30_100);
    const holder = await putHolder(delegator);
    const candidates = people(4, 30_100);

    // Act
    const outcomes = await Promise.allSettled(
      candidates.map((c) => giveDelegation(ref(delegator), ref(c), "ordinary", undefined, citizenOrigin)),
    );
    const given = outcomes.find((o) => o.status === "fulfilled")!;
    const { id } = (given as PromiseFulfilledResult<{ id: string }>).value;
    await endDelegation(id, delegator.codiceFiscale, citizenOrigin);
    const replacement = await giveDelegation(
      ref(delegator),
      ref(nextCitizen(30_100)),
      "ordinary",
      undefined,
      citizenOrigin,
    );

    // Assess
    expect(settledCodes(outcomes)).toEqual([
      "delegate-exists",
      "delegate-exists",
      "delegate-exists",
      "given",
    ]);
    expect(replacement.status).toBe("active");
    const { given: list } = await listDelegations(delegator.codiceFiscale);
    expect(list.map((d) => d.status).sort()).toEqual(["active", "revoked"]);
    expect(await noticeTypesTo(holder.contacts.email!)).toEqual([
      "delegation-given",
      "delegation-given",
      "delegation-revoked",
    ]);
  });

  it("the delegate renounces: the slot is freed, the delegated session refused, and a second end changes nothing", async () => {
    // Prepare: a delegate already at the limit, one of whose delegators holds an active PIN
    const delegate = nextCitizen(30_200);
    const delegators = people(MAX_ORDINARY_PER_DELEGATE, 30_200);
    await putHolder(delegators[0]!);
    const given = [];
    for (const d of delegators) {
      given.push(await giveDelegation(ref(d), ref(delegate), "ordinary", undefined, citizenOrigin));
    }
    const session = await startDelegatedSession(given[0]!.id, delegate.codiceFiscale);

    // Act
    await Promise.all([
      endDelegation(given[0]!.id, delegate.codiceFiscale, citizenOrigin),
      endDelegation(given[0]!.id, delegators[0]!.codiceFiscale, citizenOrigin),
    ]);
    const afterEnd = await startDelegatedSession(given[0]!.id, delegate.codiceFiscale).catch(
      (e: unknown) => e,
    );
    const stranger = await endDelegation(
      given[1]!.id,
      nextCitizen(30_200).codiceFiscale,
      citizenOrigin,
    ).catch((e: unknown) => e);
    const next = await giveDelegation(
      ref(nextCitizen(30_200)),
      ref(delegate),
      "ordinary",
      undefined,
      citizenOrigin,
    );

    // Assess
    expect(session.accessToken).toEqual(expect.any(String));
    expect(afterEnd).toMatchObject({ statusCode: 409, code: "delegation-ended" });
    expect(stranger).toMatchObject({ statusCode: 404 });
    expect(next.status).toBe("active");
    const revocations = (await auditOf(delegate.codiceFiscale)).filter(
      (e) => e.type === "delegation-revoked",
    );
    expect(revocations).toHaveLength(1);
  });
});
