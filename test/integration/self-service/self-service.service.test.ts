import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCredential } from "#shared/credentials/credential.store";
import { setClockOffsetSeconds } from "#shared/platform/clock";
import {
  confirmRecovery,
  confirmRevocation,
  requestRecovery,
  requestRevocation,
} from "#shared/self-service/self-service.service";
import { auditOf, HOLDER_PIN, mockDelivery, nextCitizen, noticeTypesTo, putHolder } from "../holders.ts";

const delivery = mockDelivery();
let sources = 0;
/** A request source of its own, so no test spends another's budget of non-matching requests. */
const source = () => ({ ip: `198.51.100.${++sources}` });
const HEALTH_CARD = { number: "80380001200012345678", expiryDate: "2030-06-30" };

/** The token of the one link e-mailed to `to`. */
function linkTokenTo(to: string): string {
  const mails = delivery.emailTo(to).filter((text) => text.includes("token="));
  expect(mails).toHaveLength(1);
  return decodeURIComponent(/token=([^\s&]+)/.exec(mails[0]!)![1]!);
}

describe("recovery and revocation (F5, F6) on DynamoDB Local", { timeout: 180_000 }, () => {
  beforeEach(() => delivery.reset());
  afterEach(() => setClockOffsetSeconds(0));

  it("recovery needs two registered contacts and a PIN used before; otherwise the same answer and nothing sent", async () => {
    // Prepare
    const oneMatch = await putHolder(nextCitizen(20_000));
    const neverUsed = await putHolder(nextCitizen(20_000), { everUsed: false });
    const unknown = nextCitizen(20_000);
    const matching = await putHolder(nextCitizen(20_000));

    // Act
    const answers = await Promise.all([
      requestRecovery(
        { codiceFiscale: oneMatch.codiceFiscale, email: oneMatch.contacts.email, mobile: "+14155550000" },
        source(),
      ),
      requestRecovery({ codiceFiscale: neverUsed.codiceFiscale, ...neverUsed.contacts }, source()),
      requestRecovery(
        { codiceFiscale: unknown.codiceFiscale, email: "x@example.org", mobile: "+14155550001" },
        source(),
      ),
      requestRecovery({ codiceFiscale: matching.codiceFiscale, ...matching.contacts }, source()),
    ]);

    // Assess: one answer for all, one link, to the matching holder's registered e-mail only
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set(['{"status":"accepted"}']));
    expect(delivery.emailTo(oneMatch.contacts.email!)).toEqual([]);
    expect(delivery.emailTo(neverUsed.contacts.email!)).toEqual([]);
    expect(linkTokenTo(matching.contacts.email!)).toMatch(/^[\w-]{40,}$/);
    expect(await noticeTypesTo(matching.contacts.mobile!)).toEqual(["recovery-started"]);
    expect(await noticeTypesTo(oneMatch.contacts.mobile!)).toEqual([]);
    const refusals = await auditOf(oneMatch.codiceFiscale);
    expect(refusals).toMatchObject([
      { type: "recovery-requested", outcome: "refused", details: { reason: "contacts-mismatch" } },
    ]);
  });

  it("of parallel confirmations of one recovery link exactly one reissues the PIN, its halves on two channels", async () => {
    // Prepare
    const holder = await putHolder(nextCitizen(20_100), { failures: 7, blocked: true });
    await requestRecovery({ codiceFiscale: holder.codiceFiscale, ...holder.contacts }, source());
    const token = linkTokenTo(holder.contacts.email!);
    delivery.reset();

    // Act
    const confirmations = await Promise.allSettled([0, 1, 2, 3].map(() => confirmRecovery(token)));
    const again = await confirmRecovery(token).catch((e: unknown) => e);

    // Assess
    expect(confirmations.filter((c) => c.status === "fulfilled")).toHaveLength(1);
    for (const c of confirmations.filter((c) => c.status === "rejected")) {
      expect((c as PromiseRejectedResult).reason).toMatchObject({ statusCode: 401, code: "invalid-token" });
    }
    expect(again).toMatchObject({ statusCode: 401, code: "invalid-token" });
    const partA = delivery.smsTo(holder.contacts.mobile!);
    const partB = delivery.emailTo(holder.contacts.email!);
    expect(partA).toHaveLength(1);
    expect(partB).toHaveLength(1);
    const stored = await getCredential(holder.codiceFiscale);
    expect(stored).toMatchObject({ status: "pending-first-access", failures: 0, blocked: false });
    expect(stored?.credentialId).not.toBe(holder.credentialId);
    expect(stored?.pinHash).toBeUndefined();
    expect(await noticeTypesTo(holder.contacts.email!)).toEqual(["recovery-completed", "recovery-started"]);
    expect(JSON.stringify(await auditOf(holder.codiceFiscale))).not.toContain(token);
  });

  it("revocation by health card: a link to the address given, and its confirmation revokes the PIN once", async () => {
    // Prepare
    const holder = await putHolder(nextCitizen(20_200), { healthCard: HEALTH_CARD });
    const wrongCard = await putHolder(nextCitizen(20_200), { healthCard: HEALTH_CARD });
    const newAddress = `new-${holder.codiceFiscale.toLowerCase()}@example.net`;

    // Act
    const answers = await Promise.all([
      requestRevocation(
        { codiceFiscale: holder.codiceFiscale, healthCard: HEALTH_CARD, email: newAddress },
        source(),
      ),
      requestRevocation(
        {
          codiceFiscale: wrongCard.codiceFiscale,
          healthCard: { ...HEALTH_CARD, expiryDate: "2030-07-01" },
          email: `new-${wrongCard.codiceFiscale.toLowerCase()}@example.net`,
        },
        source(),
      ),
    ]);
    const token = linkTokenTo(newAddress);
    const confirmations = await Promise.allSettled([0, 1, 2].map(() => confirmRevocation(token)));

    // Assess
    expect(answers).toEqual([{ status: "accepted" }, { status: "accepted" }]);
    expect(delivery.emailTo(`new-${wrongCard.codiceFiscale.toLowerCase()}@example.net`)).toEqual([]);
    expect(confirmations.filter((c) => c.status === "fulfilled")).toHaveLength(1);
    const stored = await getCredential(holder.codiceFiscale);
    expect(stored?.status).toBe("revoked");
    expect(stored?.pinHash).toBeUndefined();
    expect((await getCredential(wrongCard.codiceFiscale))?.status).toBe("active");
    expect(await noticeTypesTo(holder.contacts.mobile!)).toEqual(["revoked"]);
    expect(JSON.stringify(await auditOf(holder.codiceFiscale))).not.toContain(HOLDER_PIN);
  });
});
