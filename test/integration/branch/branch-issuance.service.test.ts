import { describe, expect, it } from "vitest";
import { branchIssuanceSchema } from "#shared/branch/branch-issuance.schema";
import { issueAtBranch } from "#shared/branch/branch-issuance.service";
import { getCredential } from "#shared/credentials/credential.store";
import { romeDate } from "#shared/platform/clock";
import { type Citizen, makeCitizen } from "../../fixtures/citizens.ts";
import { pinRequestBody } from "../../fixtures/requests.ts";
import { auditTypes, mockDelivery, nextCitizen, noticeTypesTo, putHolder } from "../holders.ts";

mockDelivery();
const passport = { kind: "passport", number: "YA1234567", issuingCountry: "US", expiryDate: "2034-01-31" };

/** A valid F9 request for `person`, presented by the holder unless `presentedBy` says otherwise. */
function issuance(person: Citizen, extra: Record<string, unknown> = {}) {
  const { partAChannel: _channel, ...body } = pinRequestBody({ ...person });
  return branchIssuanceSchema.parse({
    ...body,
    identityDocument: passport,
    presentedBy: { kind: "holder" },
    ...extra,
  });
}

const failure = (work: Promise<unknown>) => work.catch((e: unknown) => e);

describe("branch issuance (F9) on DynamoDB Local", { timeout: 180_000 }, () => {
  it("refuses a delegate at the counter and a parent of an adult, writing nothing; a parent of a minor gets the PIN", async () => {
    // Prepare
    const adult = nextCitizen(40_000);
    const minorBirth = `${Number(romeDate(new Date()).slice(0, 4)) - 10}-03-15`;
    const minor = makeCitizen({ surname: "Galli", givenName: "Nina", birthDate: minorBirth, sex: "F" });
    const parent = { kind: "parent", codiceFiscale: adult.codiceFiscale, selfCertification: true };

    // Act
    const byDelegate = await failure(
      issueAtBranch(issuance(adult, { presentedBy: { kind: "delegate", codiceFiscale: "X" } }), "op-1"),
    );
    const parentOfAdult = await failure(issueAtBranch(issuance(adult, { presentedBy: parent }), "op-1"));
    const parentOfMinor = await issueAtBranch(
      issuance(minor, { presentedBy: { ...parent, codiceFiscale: adult.codiceFiscale } }),
      "op-1",
    );

    // Assess
    expect(byDelegate).toMatchObject({ statusCode: 403, code: "delegate-not-allowed" });
    expect(parentOfAdult).toMatchObject({ statusCode: 422, code: "not-a-minor" });
    expect(await getCredential(adult.codiceFiscale)).toBeUndefined();
    expect(parentOfMinor).toMatchObject({
      pinType: "dispositivo",
      envelope: { contentType: "application/pdf" },
    });
    expect(await getCredential(minor.codiceFiscale)).toMatchObject({
      status: "pending-first-access",
      pinType: "dispositivo",
      initialPinDelivery: "branch",
    });
  });

  it("a live PIN is a 409 unless replaceExisting, which revokes it and tells its contacts; of two parallel issuances one wins", async () => {
    // Prepare
    const holder = nextCitizen(40_100);
    const live = await putHolder(holder);
    const newcomer = nextCitizen(40_100);

    // Act
    const refused = await failure(issueAtBranch(issuance(holder), "op-1"));
    const replaced = await issueAtBranch(issuance(holder, { replaceExisting: true }), "op-1");
    const parallel = await Promise.allSettled([0, 1].map(() => issueAtBranch(issuance(newcomer), "op-2")));

    // Assess
    expect(refused).toMatchObject({ statusCode: 409, code: "pin-exists" });
    const stored = await getCredential(holder.codiceFiscale);
    expect(stored?.credentialId).toBe(replaced.credentialId);
    expect(stored?.credentialId).not.toBe(live.credentialId);
    expect(stored?.pinHash).toBeUndefined();
    expect(await noticeTypesTo(live.contacts.email!)).toEqual(["pin-replaced-at-branch"]);
    expect(await auditTypes(holder.codiceFiscale)).toEqual(
      expect.arrayContaining(["pin-replaced-at-branch", "pin-issued-at-branch"]),
    );
    expect(parallel.filter((p) => p.status === "fulfilled")).toHaveLength(1);
    expect((parallel.find((p) => p.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      statusCode: 409,
      code: "pin-exists",
    });
  });
});
