import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADDED_CONTACT_QUIET_DAYS, addContact } from "#shared/contact-center/contact.service";
import { getCredential } from "#shared/credentials/credential.store";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import { requestRecovery } from "#shared/self-service/self-service.service";
import { auditOf, contactsOf, mockDelivery, nextCitizen, noticeTypesTo, putHolder } from "../holders.ts";

const delivery = mockDelivery();
const failure = (work: Promise<unknown>) => work.catch((e: unknown) => e);

describe("contacts added by the contact center (F7) on DynamoDB Local", { timeout: 180_000 }, () => {
  beforeEach(() => delivery.reset());
  afterEach(() => setClockOffsetSeconds(0));

  it("adds a missing kind, told to the contacts registered before; an existing kind is 409, no contact at all 422", async () => {
    // Prepare
    const citizen = nextCitizen(50_000);
    const { email, mobile } = contactsOf(citizen);
    await putHolder(citizen, { contacts: { email } });
    const noContact = nextCitizen(50_000);
    await putHolder(noContact, { contacts: {} });

    // Act
    const added = await addContact(
      { codiceFiscale: citizen.codiceFiscale, contact: { kind: "mobile", value: mobile } },
      "op-1",
    );
    const again = await failure(
      addContact(
        { codiceFiscale: citizen.codiceFiscale, contact: { kind: "email", value: "other@example.org" } },
        "op-1",
      ),
    );
    const none = await failure(
      addContact(
        { codiceFiscale: noContact.codiceFiscale, contact: { kind: "email", value: "n@example.org" } },
        "op-1",
      ),
    );

    // Assess
    expect(added.contacts.mobile).not.toBe(mobile);
    expect(again).toMatchObject({ statusCode: 409, code: "contact-exists" });
    expect(none).toMatchObject({ statusCode: 422, code: "no-registered-contact" });
    expect((await getCredential(citizen.codiceFiscale))?.contacts).toEqual({ email, mobile });
    expect(await noticeTypesTo(email)).toEqual(["contact-added"]);
    expect(await noticeTypesTo(mobile)).toEqual([]);
    const [event] = await auditOf(citizen.codiceFiscale);
    expect(JSON.stringify(event)).not.toContain(mobile);
  });

  it("of parallel adds of one kind one wins (409 for the rest); of different kinds both land", async () => {
    // Prepare
    const citizen = nextCitizen(50_100);
    await putHolder(citizen, { contacts: { email: contactsOf(citizen).email } });
    const cf = citizen.codiceFiscale;

    // Act
    const sameKind = await Promise.allSettled(
      ["+14155551201", "+14155551202", "+14155551203"].map((value) =>
        addContact({ codiceFiscale: cf, contact: { kind: "mobile", value } }, "op-1"),
      ),
    );
    await addContact({ codiceFiscale: cf, contact: { kind: "pec", value: "p@pec.example.org" } }, "op-2");

    // Assess
    expect(sameKind.filter((s) => s.status === "fulfilled")).toHaveLength(1);
    for (const s of sameKind.filter((s) => s.status === "rejected")) {
      expect((s as PromiseRejectedResult).reason).toMatchObject({ statusCode: 409, code: "contact-exists" });
    }
    const contacts = (await getCredential(cf))?.contacts;
    expect(Object.keys(contacts ?? {}).sort()).toEqual(["email", "mobile", "pec"]);
  });

  it(`an added e-mail receives no recovery link for ${ADDED_CONTACT_QUIET_DAYS} days, then does`, async () => {
    // Prepare: a holder registered with a mobile only; the contact center adds an e-mail
    const citizen = nextCitizen(50_200);
    const { email, mobile } = contactsOf(citizen);
    await putHolder(citizen, { contacts: { mobile } });
    await addContact(
      { codiceFiscale: citizen.codiceFiscale, contact: { kind: "email", value: email } },
      "op-1",
    );

    // Act
    await requestRecovery({ codiceFiscale: citizen.codiceFiscale, mobile, email }, { ip: "203.0.113.1" });
    const duringHold = delivery.emailTo(email);
    setClockOffsetSeconds(ADDED_CONTACT_QUIET_DAYS * 86_400 + 60);
    await requestRecovery({ codiceFiscale: citizen.codiceFiscale, mobile, email }, { ip: "203.0.113.2" });

    // Assess
    expect(duringHold).toEqual([]);
    expect(delivery.emailTo(email).filter((t) => t.includes("token="))).toHaveLength(1);
    const reasons = (await auditOf(citizen.codiceFiscale))
      .filter((e) => e.type === "recovery-requested")
      .map((e) => e.details?.reason ?? e.outcome);
    expect(reasons).toEqual(["no-trusted-email", "success"]);
  });
});
