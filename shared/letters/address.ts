import type { Residence } from "../credentials/credential.model.ts";

/** Built at first use: constructing it costs ~20 ms, which a function that never prints should not pay at start. */
let englishNames: Intl.DisplayNames | undefined;

/** The country name as the last address line: in capitals and in English (UPU S42 allows an internationally known language). */
export function countryLine(countryCode: string): string {
  englishNames ??= new Intl.DisplayNames(["en"], { type: "region" });
  return (englishNames.of(countryCode) ?? countryCode).toUpperCase();
}

const LETTERS_WITHOUT_DECOMPOSITION: Record<string, string> = {
  Ł: "L",
  ł: "l",
  Đ: "D",
  đ: "d",
  Ħ: "H",
  ħ: "h",
  ı: "i",
  Œ: "OE",
  œ: "oe",
  Ŀ: "L",
  ŀ: "l",
};

/**
 * The standard PDF fonts speak WinAnsi (Latin-1): accented Latin letters print as they are, other letters
 * lose their marks, anything else becomes "?".
 */
export function printable(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) {
      out += char;
      continue;
    }
    const stripped = (LETTERS_WITHOUT_DECOMPOSITION[char] ?? char)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
    out += /^[\x20-\x7e]+$/.test(stripped) ? stripped : "?";
  }
  return out;
}

/** Address block lines for an international window envelope: name, street lines, city line, COUNTRY. */
export function addressLines(
  recipient: { surname: string; givenName: string },
  address: Residence,
): string[] {
  return [
    `${recipient.givenName} ${recipient.surname}`,
    ...address.addressLines,
    [address.city, address.region, address.postalCode].filter(Boolean).join(" "),
    countryLine(address.countryCode),
  ].map(printable);
}
