import { describe, expect, it } from "vitest";
import { checkNewPin } from "#shared/credentials/pin-rules";
import { evaluatePin } from "../../../web/src/pin-check.ts";

const holder = { codiceFiscale: "RSSMRA80A01Z404R", surname: "De Rossi", givenName: "Maria Grazia" };

/** The reason the service gives, in the page's rule names. */
const reasonRule = {
  "bad-format": "format",
  "contains-codice-fiscale": "codiceFiscale",
  "contains-name": "name",
  "common-pin": "common",
} as const;

describe("live PIN rules of the web client", () => {
  const samples = [
    "K7TQ2M9X",
    "k7tq-2m9x",
    "12345678",
    "AAAAAAAA",
    "QWERTYUI",
    "PASSWORD",
    "RSSMRA80",
    "A80A01Z4",
    "XXROSSIX",
    "GRAZIA12",
    "MARIA123",
    "DEROSSI1",
    "ZX9MARQ2",
    "SHORT",
    "TOOLONGPIN1",
    "ÀBCDEFGH",
    "ABC_1234",
    "R4ZP8WQ2",
    "ABCDEFGH",
    "19800101",
  ];

  it.each(samples)("agrees with the service's checkNewPin on %s", (pin) => {
    const service = checkNewPin(pin, holder);
    const page = evaluatePin(pin, holder);
    const failed = Object.entries(page)
      .filter(([, state]) => state === "fail")
      .map(([rule]) => rule);
    if (service.ok) expect(failed).toEqual([]);
    else expect(failed).toContain(reasonRule[service.reason as keyof typeof reasonRule]);
  });

  it("leaves the name rule to the service when the names are not known (first access)", () => {
    expect(evaluatePin("XXROSSIX", { codiceFiscale: holder.codiceFiscale }).name).toBe("unknown");
    expect(evaluatePin("XXROSSIX", holder).name).toBe("fail");
  });
});
