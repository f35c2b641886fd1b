import { type CountryCode, getCountryCallingCode } from "libphonenumber-js";
import mobileExamples from "libphonenumber-js/examples.mobile.json";
import { describe, expect, it } from "vitest";
import {
  buildCodiceFiscale,
  checkCodiceFiscaleConsistency,
  computeCheckCharacter,
  isValidCodiceFiscale,
  omocodicVariant,
} from "#shared/credentials/codice-fiscale";
import { maskEmail, maskMobile } from "#shared/credentials/contacts";
import { COUNTRY_CODES } from "#shared/credentials/country-codes";
import { mobileSchema, normaliseMobile } from "#shared/credentials/mobile";
import { mobileMetadataWithoutFormats } from "#shared/credentials/mobile-metadata.generate";
import { countryCodeSchema } from "#shared/credentials/person.schema";
import {
  hashSecret,
  hashToken,
  needsRehash,
  verifyAgainstDummy,
  verifySecret,
} from "#shared/credentials/pin-hash";
import {
  checkNewPin,
  generateInitialPin,
  normalisePinInput,
  splitInitialPin,
} from "#shared/credentials/pin-rules";
import { isWeakPin } from "#shared/credentials/weak-pins";
import mobileMetadata from "../../../shared/credentials/mobile-metadata.json" with { type: "json" };
import { makeCitizen, makeCitizenN } from "../../fixtures/citizens.ts";

describe("codice fiscale", () => {
  it("accepts the textbook example and computes its check character", () => {
    expect(isValidCodiceFiscale("RSSMRA80A01H501U")).toBe(true);
    expect(computeCheckCharacter("RSSMRA80A01H501")).toBe("U");
    expect(
      buildCodiceFiscale({
        surname: "Rossi",
        givenName: "Mario",
        birthDate: "1980-01-01",
        sex: "M",
        birthPlaceCode: "H501",
      }),
    ).toBe("RSSMRA80A01H501U");
  });

  it("refuses a wrong check character, month letter, day or shape", () => {
    expect(isValidCodiceFiscale("RSSMRA80A01H501V")).toBe(false);
    expect(isValidCodiceFiscale("RSSMRA80F01H501U")).toBe(false);
    expect(isValidCodiceFiscale(`RSSMRA80A35H501${computeCheckCharacter("RSSMRA80A35H501")}`)).toBe(false);
    expect(isValidCodiceFiscale("RSSMRA80A01H501")).toBe(false);
    expect(isValidCodiceFiscale("rssmra80a01h501u")).toBe(false);
  });

  it("codes names the official way (consonants first, 1st/3rd/4th consonant of long given names, accents dropped)", () => {
    const cf = buildCodiceFiscale({
      surname: "D'Angelo",
      givenName: "Francesca",
      birthDate: "1992-07-15",
      sex: "F",
      birthPlaceCode: "Z404",
    });
    expect(cf.slice(0, 6)).toBe("DNGFNC");
    expect(cf.slice(6, 11)).toBe("92L55");
    expect(
      buildCodiceFiscale({
        surname: "Fo",
        givenName: "Èva",
        birthDate: "2001-02-03",
        sex: "F",
        birthPlaceCode: "Z114",
      }).slice(0, 6),
    ).toBe("FOXVEA");
  });

  it("treats omocodic variants as valid, distinct, and consistent with the same person", () => {
    const person = makeCitizen({
      surname: "Bianchi",
      givenName: "Anna",
      birthDate: "1985-03-14",
      sex: "F",
      birthPlaceCode: "Z404",
    });
    const variants = [1, 2, 3, 7].map((level) => omocodicVariant(person.codiceFiscale, level));
    for (const variant of variants) {
      expect(isValidCodiceFiscale(variant)).toBe(true);
      expect(variant).not.toBe(person.codiceFiscale);
      expect(checkCodiceFiscaleConsistency(variant, person)).toEqual([]);
    }
    expect(new Set(variants).size).toBe(variants.length);
  });

  it("names each field that disagrees with the code", () => {
    const person = makeCitizen();
    expect(checkCodiceFiscaleConsistency(person.codiceFiscale, person)).toEqual([]);
    expect(checkCodiceFiscaleConsistency(person.codiceFiscale, { ...person, surname: "Verdi" })).toEqual([
      "surname",
    ]);
    expect(checkCodiceFiscaleConsistency(person.codiceFiscale, { ...person, givenName: "Luigi" })).toEqual([
      "givenName",
    ]);
    expect(
      checkCodiceFiscaleConsistency(person.codiceFiscale, { ...person, birthDate: "1980-01-02" }),
    ).toEqual(["birthDate"]);
    expect(checkCodiceFiscaleConsistency(person.codiceFiscale, { ...person, sex: "F" })).toEqual(["sex"]);
    expect(
      checkCodiceFiscaleConsistency(person.codiceFiscale, { ...person, birthPlaceCode: "Z114" }),
    ).toEqual(["birthPlaceCode"]);
  });

  it("makes many distinct valid people for the tests", () => {
    const codes = Array.from({ length: 500 }, (_, i) => makeCitizenN(i).codiceFiscale);
    expect(codes.every(isValidCodiceFiscale)).toBe(true);
    expect(new Set(codes).size).toBe(500);
  });
});

describe("country codes", () => {
  it("are the runtime's known regions less the codes that are not countries, and the schema accepts exactly them", () => {
    const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    const notCountries =
      "AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR ZZ";
    const everyPair = Array.from({ length: 26 * 26 }, (_, i) =>
      String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
    );
    const regions = everyPair.filter((code) => names.of(code) !== undefined);
    expect(COUNTRY_CODES).toEqual(regions.filter((code) => !notCountries.split(" ").includes(code)));
    expect(COUNTRY_CODES).toHaveLength(250); // 249 assigned by ISO 3166-1, and XK
    for (const code of everyPair) {
      expect(countryCodeSchema.safeParse(` ${code.toLowerCase()} `).success, code).toBe(
        COUNTRY_CODES.includes(code),
      );
    }
  });
});

describe("PIN rules", () => {
  it("draws 16 hex characters and splits them in two halves", () => {
    const pins = Array.from({ length: 1000 }, generateInitialPin);
    expect(pins.every((p) => /^[0-9A-F]{16}$/.test(p))).toBe(true);
    expect(new Set(pins).size).toBe(1000);
    expect(splitInitialPin("0123456789ABCDEF")).toEqual({ partA: "01234567", partB: "89ABCDEF" });
    expect(normalisePinInput(" 0123 4567-89ab cdef ")).toBe("0123456789ABCDEF");
  });

  const holder = { codiceFiscale: "RSSMRA80A01H501U", surname: "Rossi", givenName: "Mario" };

  it.each([
    ["K7QW2M9", "bad-format"],
    ["K7QW2M9!", "bad-format"],
    ["RSSMRA80", "contains-codice-fiscale"],
    ["80A01H50", "contains-codice-fiscale"],
    ["XROSSI12", "contains-name"],
    ["MARIO123", "contains-name"],
    ["12345678", "common-pin"],
    ["AAAAAAAA", "common-pin"],
    ["QWERTYUI", "common-pin"],
    ["ABABABAB", "common-pin"],
    ["PASSWORD", "common-pin"],
    ["01011980", "common-pin"],
    ["HGFEDCBA", "common-pin"],
  ])("refuses %s (%s)", (pin, reason) => {
    const verdict = checkNewPin(pin, holder);
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(verdict.message).not.toContain(pin);
  });

  it("refuses the current PIN and accepts a good one, case-insensitively", () => {
    expect(checkNewPin("k7qw2m9x", { ...holder, currentPin: "K7QW2M9X" })).toMatchObject({
      reason: "same-as-current",
    });
    expect(checkNewPin("k7qw2m9x", holder)).toEqual({ ok: true });
    expect(isWeakPin("K7QW2M9X")).toBe(false);
  });
});

describe("PIN hashing", () => {
  it("stores algorithm and cost beside a salted hash, and verifies only the right secret", async () => {
    const hash = await hashSecret("K7QW2M9X");
    expect(hash).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect(hash).not.toContain("K7QW2M9X");
    expect(await verifySecret("K7QW2M9X", hash)).toBe(true);
    expect(await verifySecret("K7QW2M9Y", hash)).toBe(false);
    expect(await hashSecret("K7QW2M9X")).not.toBe(hash);
    expect(needsRehash(hash)).toBe(false);
  });

  it("reads the cost from the stored hash, so older costs still verify and ask for a rehash", async () => {
    const cheap = await hashSecret("K7QW2M9X", { ln: 10, r: 8, p: 1 });
    expect(await verifySecret("K7QW2M9X", cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(await verifyAgainstDummy("K7QW2M9X")).toBe(false);
    expect(hashToken("abc")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("contacts", () => {
  it("normalises mobiles to E.164 and refuses the rest", () => {
    expect(normaliseMobile(" +1 415 555 0123 ")).toBe("+14155550123");
    expect(normaliseMobile("+39 347 123 4567")).toBe("+393471234567");
    expect(normaliseMobile("3471234567")).toBeUndefined();
    expect(normaliseMobile("+12345")).toBeUndefined();
    expect(mobileSchema.safeParse("+39 06 1234 5678").success).toBe(false);
  });

  it("validates with the package's mobile metadata less its formats, and accepts every country's example mobile", () => {
    expect(mobileMetadata, "run: node --import tsx shared/credentials/mobile-metadata.generate.ts").toEqual(
      mobileMetadataWithoutFormats(),
    );
    const { countries } = mobileMetadata as unknown as { countries: Record<string, [string, ...unknown[]]> };
    const refused = Object.entries(mobileExamples)
      .map(([country, national]) => `+${countries[country]![0]}${national}`)
      .filter((number) => normaliseMobile(number) !== number);
    expect(refused).toEqual([]);
    expect(Object.keys(mobileExamples).length).toBeGreaterThan(240);
    // Fixed lines stay refused, where the plan tells them apart: Rome, London, Paris.
    for (const fixed of ["+390612345678", "+442071234567", "+33123456789"]) {
      expect(normaliseMobile(fixed)).toBeUndefined();
    }
    // Plans that cannot tell mobiles from fixed lines (NANP) stay accepted.
    expect(normaliseMobile("+12015550123")).toBe("+12015550123");
  });

  it("masks contacts enough to recognise, not to reach", () => {
    expect(maskMobile("+393471234567")).toBe("+39 ••• ••• 4567");
    // The masking's own list of calling codes is the phone library's, country by country: every country's
    // example mobile keeps exactly its own calling code visible.
    for (const [country, example] of Object.entries(mobileExamples)) {
      const code = getCountryCallingCode(country as CountryCode);
      expect(maskMobile(`+${code}${example}`), country).toBe(`+${code} ••• ••• ${example.slice(-4)}`);
    }
    expect(maskEmail("mario.rossi@example.org")).toBe("m••••••i@example.org");
    expect(maskEmail("mario.rossi@example.org")).not.toContain("rossi");
  });
});
