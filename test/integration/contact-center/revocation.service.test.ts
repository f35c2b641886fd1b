import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  requestRevocationForCaller,
  VERIFICATION_MISSES_PER_DAY,
} from "#shared/contact-center/revocation.service";
import { getCredential } from "#shared/credentials/credential.store";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import { putPersonOnRecord } from "#shared/registry/registry.store";
import { confirmRevocation } from "#shared/self-service/self-service.service";
import type { Citizen } from "../../fixtures/citizens.ts";
import {
  auditOf,
  HOLDER_PIN,
  mockDelivery,
  nextCitizen,
  noticeTypesTo,
  putHolder,
  wholeTable,
} from "../holders.ts";

const delivery = mockDelivery();
const failure = (work: Promise<unknown>) => work.catch((e: unknown) => e);
/** Where `putHolder` says the holder lives. */
const RESIDENCE = { countryCode: "US", addressLines: ["1 Main St"], city: "Boston", postalCode: "02110" };

/** The caller's answers as the record has them. */
const answersOf = (c: Citizen) => ({
  birthDate: c.birthDate,
  birthPlaceCode: c.birthPlaceCode,
  residence: { countryCode: "US", postalCode: "02110" },
});

async function onRecord(c: Citizen, residence = RESIDENCE) {
  const { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode } = c;
  await putPersonOnRecord(
    { codiceFiscale, surname, givenName, birthDate, sex, birthPlaceCode, residence },
    "local",
  );
}

describe("contact-center revocation for a caller without health card (F17) on DynamoDB Local", {
  timeout: 180_000,
}, () => {
  beforeEach(() => delivery.reset());
  afterEach(() => setClockOffsetSeconds(0));

  it("on a match the F6 link goes to the address given, every registered contact is told, the operator is audited", async () => {
    // Prepare: the holder has moved since the PIN was issued; the record is the authority on where they live
    const citizen = nextCitizen(60_000);
    const holder = await putHolder(citizen);
    await onRecord(citizen, { ...RESIDENCE, postalCode: "02134" });
    const newAddress = `new-${citizen.codiceFiscale.toLowerCase()}@example.net`;
    const answers = answersOf(citizen);
    const input = { codiceFiscale: citizen.codiceFiscale, email: newAddress };

    // Act
    const stale = await failure(
      requestRevocationForCaller(
        { ...input, answers: { ...answers, residence: { countryCode: "us", postalCode: "02110" } } },
        "op-7",
      ),
    );
    const sent = await requestRevocationForCaller(
      { ...input, answers: { ...answers, residence: { countryCode: "US", postalCode: " 021 34" } } },
      "op-7",
    );
    const mails = delivery.emailTo(newAddress);
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(mails[0] ?? "")?.[1] ?? "");
    const beforeConfirm = (await getCredential(citizen.codiceFiscale))?.status;
    await confirmRevocation(token);

    // Assess
    expect(stale).toMatchObject({ statusCode: 422, code: "verification-failed" });
    expect(sent.sentTo.channel).toBe("email");
    expect(sent.sentTo.masked).not.toBe(newAddress);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("/revocation/confirm?token=");
    expect(beforeConfirm).toBe("active");
    expect((await getCredential(citizen.codiceFiscale))?.status).toBe("revoked");
    for (const contact of [holder.contacts.email!, holder.contacts.mobile!]) {
      expect(await noticeTypesTo(contact)).toEqual(["revocation-started", "revoked"]);
    }
    const requested = (await auditOf(citizen.codiceFiscale)).filter((e) => e.type === "revocation-requested");
    expect(
      requested.map((e) => [e.outcome, e.channel, e.actor, e.details?.reason ?? e.details?.linkChannel]),
    ).toEqual([
      ["refused", "contact-center", "operator:op-7", "verification-failed"],
      ["success", "contact-center", "operator:op-7", "email"],
    ]);
    const table = await wholeTable();
    expect(table).not.toContain(token);
    expect(JSON.stringify(await auditOf(citizen.codiceFiscale))).not.toContain(newAddress);
    expect(table).not.toContain(HOLDER_PIN);
  });

  it(`of parallel mismatches exactly ${VERIFICATION_MISSES_PER_DAY} count (422), the rest and every later call that day are 429`, async () => {
    // Prepare
    const citizen = nextCitizen(60_100);
    await putHolder(citizen);
    await onRecord(citizen);
    const wrong = {
      ...answersOf(citizen),
      birthPlaceCode: citizen.birthPlaceCode === "Z999" ? "Z998" : "Z999",
    };
    const call = (answers: ReturnType<typeof answersOf>) =>
      failure(
        requestRevocationForCaller(
          { codiceFiscale: citizen.codiceFiscale, answers, pec: "x@pec.example.org" },
          "op-1",
        ),
      );

    // Act
    const parallel = await Promise.all(Array.from({ length: 10 }, () => call(wrong)));
    const rightAnswersToday = await call(answersOf(citizen));
    setClockOffsetSeconds(86_400);
    const rightAnswersTomorrow = await call(answersOf(citizen));

    // Assess
    const codes = parallel.map((e) => (e as { code?: string }).code).sort();
    expect(codes).toEqual([
      ...Array(VERIFICATION_MISSES_PER_DAY).fill("verification-failed"),
      ...Array(10 - VERIFICATION_MISSES_PER_DAY).fill("verification-limit"),
    ]);
    const failed = parallel.find((e) => (e as { code?: string }).code === "verification-failed") as Error;
    expect(failed.message).not.toMatch(/birth|place|postal|country|residence/i);
    expect(rightAnswersToday).toMatchObject({ statusCode: 429, code: "verification-limit" });
    expect(
      Number(
        (rightAnswersToday as { options: { headers: Record<string, string> } }).options.headers[
          "retry-after"
        ],
      ),
    ).toBeGreaterThan(0);
    expect(rightAnswersTomorrow).toMatchObject({ sentTo: { channel: "pec" } });
    expect(delivery.emailTo("x@pec.example.org")).toHaveLength(1);
  });

  it("every answer must match: birth date, birthplace, country and postal code each fail alone; no live PIN is 404", async () => {
    // Prepare
    const citizen = nextCitizen(60_200);
    await putHolder(citizen);
    await onRecord(citizen);
    const revoked = nextCitizen(60_200);
    await putHolder(revoked, { status: "revoked" });
    const right = answersOf(citizen);
    const call = (codiceFiscale: string, answers: ReturnType<typeof answersOf>) =>
      failure(requestRevocationForCaller({ codiceFiscale, answers, email: "a@example.net" }, "op-1"));

    // Act
    const wrongs = [
      await call(citizen.codiceFiscale, { ...right, birthDate: "1901-01-01" }),
      await call(citizen.codiceFiscale, { ...right, residence: { countryCode: "CA", postalCode: "02110" } }),
      await call(citizen.codiceFiscale, { ...right, residence: { countryCode: "US", postalCode: "02111" } }),
    ];
    const unknown = await call(nextCitizen(60_200).codiceFiscale, right);
    const notLive = await call(revoked.codiceFiscale, answersOf(revoked));

    // Assess
    for (const wrong of wrongs) expect(wrong).toMatchObject({ statusCode: 422, code: "verification-failed" });
    expect(unknown).toMatchObject({ statusCode: 404, code: "holder-not-found" });
    expect(notLive).toMatchObject({ statusCode: 404, code: "holder-not-found" });
    expect(delivery.emailTo("a@example.net")).toEqual([]);
    expect(await noticeTypesTo(`${citizen.codiceFiscale.toLowerCase()}@example.org`)).toEqual([]);
  });
});
