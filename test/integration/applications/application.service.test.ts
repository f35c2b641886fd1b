import { describe, expect, it } from "vitest";
import { listApplications, submitApplication } from "#shared/applications/application.service";
import { auditOf, mockDelivery, nextCitizen, putHolder } from "../holders.ts";

mockDelivery();
const citizen = { actor: "citizen", channel: "web" };

describe("applications (F11) on DynamoDB Local", () => {
  it("ordinario: suspended; dispositivo: accepted at once", async () => {
    // Prepare
    const ordinario = await putHolder(nextCitizen(70_000));
    const dispositivo = await putHolder(nextCitizen(70_000), { pinType: "dispositivo" });

    // Act
    const suspended = await submitApplication(ordinario, { benefit: "naspi" }, citizen);
    const accepted = await submitApplication(
      dispositivo,
      { benefit: "naspi", details: { iban: "IT60X" } },
      citizen,
    );

    // Assess
    expect(suspended.status).toBe("suspended");
    expect(suspended.acceptedAt).toBeUndefined();
    expect(suspended.protocolNumber).toMatch(/^INPS-\d{4}-\d{10}$/);
    expect(accepted).toMatchObject({ status: "accepted", acceptedAt: accepted.submittedAt });
    expect(accepted).not.toHaveProperty("details");
  });

  it("after a conversion, parallel reads and a new submission release each suspended application once, none left", async () => {
    // Prepare: two applications suspended under an ordinario PIN, then the PIN converted
    const holder = await putHolder(nextCitizen(70_100));
    const before = [
      await submitApplication(holder, { benefit: "naspi" }, citizen),
      await submitApplication(holder, { benefit: "bonus-nido" }, citizen),
    ];
    const converted = { ...holder, pinType: "dispositivo" as const };

    // Act
    const [, , third] = await Promise.all([
      listApplications(converted),
      listApplications(converted),
      submitApplication(converted, { benefit: "dis-coll" }, citizen),
    ]);
    const { items } = await listApplications(converted);

    // Assess
    expect(third.status).toBe("accepted");
    expect(items.map((a) => a.status)).toEqual(["accepted", "accepted", "accepted"]);
    for (const original of before) {
      expect(items.find((a) => a.id === original.id)?.submittedAt).toBe(original.submittedAt);
    }
    const releases = (await auditOf(holder.codiceFiscale)).filter((e) => e.type === "application-released");
    expect(releases).toHaveLength(2);
  });
});
