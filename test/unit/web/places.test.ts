import { COMUNI } from "codice-fiscale-js/src/lista-comuni.js";
import { describe, expect, it } from "vitest";
import { buildCodiceFiscale, decodeCodiceFiscale, omocodicVariant } from "#shared/credentials/codice-fiscale";
import { buildPlaces, titleCase } from "../../../web/src/places.ts";

describe("what a codice fiscale tells", () => {
  const today = new Date("2026-06-15T12:00:00Z");
  const code = (birthDate: string, sex: "M" | "F", birthPlaceCode = "H501") =>
    buildCodiceFiscale({ surname: "Rossi", givenName: "Maria", birthDate, sex, birthPlaceCode });

  it("gives birth date, sex and place, omocodic variants and lower case alike", () => {
    const cf = code("1980-01-31", "F", "Z404");
    const expected = { birthDate: "1980-01-31", sex: "F", birthPlaceCode: "Z404" };
    expect(decodeCodiceFiscale(cf, today)).toEqual(expected);
    expect(decodeCodiceFiscale(omocodicVariant(cf, 7), today)).toEqual(expected);
    expect(decodeCodiceFiscale(` ${cf.toLowerCase()} `, today)).toEqual(expected);
    expect(decodeCodiceFiscale(code("1975-12-05", "M"), today)).toMatchObject({
      birthDate: "1975-12-05",
      sex: "M",
    });
  });

  it("takes the latest century that is not in the future", () => {
    expect(decodeCodiceFiscale(code("2026-06-15", "M"), today)?.birthDate).toBe("2026-06-15");
    expect(decodeCodiceFiscale(code("2026-06-16", "M"), today)?.birthDate).toBe("1926-06-16");
    expect(decodeCodiceFiscale(code("2001-02-03", "M"), today)?.birthDate).toBe("2001-02-03");
  });

  it("tells nothing for a wrong check character, a short code or a date that does not exist", () => {
    const cf = code("1980-01-01", "M");
    const wrongCheck = cf.slice(0, 15) + (cf[15] === "A" ? "B" : "A");
    expect(decodeCodiceFiscale(wrongCheck, today)).toBeUndefined();
    expect(decodeCodiceFiscale(cf.slice(0, 15), today)).toBeUndefined();
    expect(decodeCodiceFiscale(code("1980-02-31", "M"), today)).toBeUndefined();
  });
});

describe("places of birth by name", () => {
  const italian = buildPlaces(COMUNI, "it", { former: "soppresso" });
  const english = buildPlaces(COMUNI, "en", { former: "former" });

  it("finds municipalities and states by the name people know, in each language", () => {
    expect(italian.codeOf("Roma (RM)")).toBe("H501");
    expect(italian.codeOf("  reggio nell'emilia (re) ")).toBe("H223");
    expect(italian.codeOf("Stati Uniti")).toBe("Z404");
    expect(english.codeOf("United States")).toBe("Z404");
    // The table's Italian name of a state shown in English is accepted too.
    expect(english.codeOf("Stati Uniti d'America")).toBe("Z404");
    expect(english.codeOf("Switzerland")).toBe("Z133");
    expect(english.labelOf("Z404")).toBe("United States");
    // A state with several names in the table is shown by the one the runtime knows in the reader's language.
    expect(english.labelOf("Z213")).toBe("South Korea");
    expect(english.labelOf("Z206")).toBe("Myanmar (Burma)");
    expect(italian.labelOf("H501")).toBe("Roma (RM)");
    expect(italian.codeOf("h501")).toBe("H501");
    expect(italian.codeOf("Rom")).toBeUndefined();
    expect(italian.codeOf("Z999")).toBeUndefined();
  });

  it("keeps suppressed municipalities and former codes, each told apart", () => {
    // Abano Bagni became Abano Terme (same code): both names lead to it, the current one labels it.
    expect(italian.codeOf("Abano Bagni (PD, soppresso)")).toBe("A001");
    expect(italian.labelOf("A001")).toBe("Abano Terme (PD)");
    // Armenia has a former code: people born under it keep it, so it can be picked, marked by its code.
    expect(italian.codeOf("Armenia")).toBe("Z252");
    expect(italian.codeOf("Armenia – Z137")).toBe("Z137");
    for (const places of [italian, english]) {
      const labels = places.options.map((p) => p.label);
      expect(new Set(labels).size).toBe(labels.length);
      expect(new Set(places.options.map((p) => p.code))).toEqual(new Set(COMUNI.map((row) => row[0])));
    }
  });

  it("writes names as people do", () => {
    expect(titleCase("REGGIO NELL'EMILIA")).toBe("Reggio nell'Emilia");
    expect(titleCase("ACI SANT'ANTONIO")).toBe("Aci Sant'Antonio");
    expect(titleCase("COSTA DEI PIRATI=TRUCIAL STATES")).toBe("Costa dei Pirati / Trucial States");
  });
});
