import { describe, expect, it } from "vitest";
import { issuePhonePin, PHONE_PIN_MAX_FAILURES, verifyPhonePin } from "#shared/phone-pins/phone-pin.service";
import { auditOf, mockDelivery, nextCitizen, noticeTypesTo, putHolder, wholeTable } from "../holders.ts";

mockDelivery();

/** A wrong 8-digit code: the right one with its last digit changed. */
const wrong = (code: string) => `${code.slice(0, 7)}${(Number(code[7]) + 1) % 10}`;

describe("phone PINs (F12) on DynamoDB Local", { timeout: 240_000 }, () => {
  it("a new phone PIN cancels the old one; only the hash is stored; the holder's contacts are told", async () => {
    // Prepare
    const citizen = nextCitizen(60_000);
    const holder = await putHolder(citizen);

    // Act
    const first = await issuePhonePin(citizen.codiceFiscale, "1d", "spid");
    const second = await issuePhonePin(citizen.codiceFiscale, "1w", "cie");
    const oldOne = await verifyPhonePin(citizen.codiceFiscale, first.phonePin, "op-1");
    const newOne = await verifyPhonePin(
      citizen.codiceFiscale,
      second.phonePin.replace(/(\d{4})/, "$1 "),
      "op-1",
    );

    // Assess
    expect(second.phonePin).toMatch(/^\d{8}$/);
    expect(oldOne).toBe(false);
    expect(newOne).toBe(true);
    expect(await noticeTypesTo(holder.contacts.email!)).toEqual(["phone-pin-issued", "phone-pin-issued"]);
    const table = await wholeTable();
    expect(table).not.toContain(first.phonePin);
    expect(table).not.toContain(second.phonePin);
  });

  it(`parallel wrong codes: exactly ${PHONE_PIN_MAX_FAILURES} are checked, then the code is dead even when read out right`, async () => {
    // Prepare
    const citizen = nextCitizen(60_100);
    const { phonePin } = await issuePhonePin(citizen.codiceFiscale, "1m", "spid");

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => verifyPhonePin(citizen.codiceFiscale, wrong(phonePin), "op-1")),
    );
    const rightAfter = await verifyPhonePin(citizen.codiceFiscale, phonePin, "op-1");

    // Assess
    expect(answers.every((a) => a === false)).toBe(true);
    expect(rightAfter).toBe(false);
    const checks = (await auditOf(citizen.codiceFiscale)).filter((e) => e.type === "phone-pin-verified");
    expect(checks.map((e) => e.outcome)).toEqual(Array(PHONE_PIN_MAX_FAILURES).fill("failure"));
  });
});
