/**
 * Codice fiscale (DM 23/12/1976): pattern, check character, omocodia and agreement with personal data.
 * Written by hand: the algorithm is small, stable and fully covered by tests, and the maintained packages
 * bundle municipality tables we do not need.
 */

const MONTHS = "ABCDEHLMPRST";
/** Omocodia replaces digits, from the right, with these letters (0-9). */
const OMOCODIA = "LMNPQRSTUV";
/** Positions (0-based) that hold digits in the base form and may hold omocodia letters. */
const DIGIT_POSITIONS = [6, 7, 9, 10, 12, 13, 14] as const;

const ODD_VALUES: Record<string, number> = {};
const EVEN_VALUES: Record<string, number> = {};
{
  const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
  for (let i = 0; i < 10; i++) {
    ODD_VALUES[String(i)] = odd[i]!;
    EVEN_VALUES[String(i)] = i;
  }
  for (let i = 0; i < 26; i++) {
    const letter = String.fromCharCode(65 + i);
    ODD_VALUES[letter] = odd[i]!;
    EVEN_VALUES[letter] = i;
  }
}

/** The shape of a (normalised) codice fiscale, omocodic variants included; also stated in the OpenAPI document. */
export const CODICE_FISCALE_PATTERN =
  /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

export function normaliseCodiceFiscale(value: string): string {
  return value.trim().toUpperCase();
}

/** The check character of the first 15 characters (odd/even tables, mod 26). */
export function computeCheckCharacter(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15[i] ?? "";
    sum += (i % 2 === 0 ? ODD_VALUES[c] : EVEN_VALUES[c]) ?? 0;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** The base (non-omocodic) form, for comparison with personal data only: never as an identity. */
export function decodeOmocodia(cf: string): string {
  const chars = [...cf];
  for (const position of DIGIT_POSITIONS) {
    const index = OMOCODIA.indexOf(chars[position] ?? "");
    if (index >= 0) chars[position] = String(index);
  }
  return chars.join("");
}

export function isValidCodiceFiscale(cf: string): boolean {
  if (!CODICE_FISCALE_PATTERN.test(cf)) return false;
  const base = decodeOmocodia(cf);
  const day = Number(base.slice(9, 11));
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return false;
  return computeCheckCharacter(cf.slice(0, 15)) === cf[15];
}

function lettersOnly(value: string): string {
  return value
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z]/g, "");
}

const isVowel = (c: string) => "AEIOU".includes(c);

/** Surname code: consonants, then vowels, padded with X. */
export function surnameCode(surname: string): string {
  const letters = [...lettersOnly(surname)];
  const consonants = letters.filter((c) => !isVowel(c));
  const vowels = letters.filter(isVowel);
  return [...consonants, ...vowels, "X", "X", "X"].slice(0, 3).join("");
}

/** Given-name code: with four or more consonants the 1st, 3rd and 4th; otherwise as the surname. */
export function givenNameCode(givenName: string): string {
  const letters = [...lettersOnly(givenName)];
  const consonants = letters.filter((c) => !isVowel(c));
  if (consonants.length >= 4) return `${consonants[0]}${consonants[2]}${consonants[3]}`;
  return [...consonants, ...letters.filter(isVowel), "X", "X", "X"].slice(0, 3).join("");
}

export interface CodiceFiscalePerson {
  surname: string;
  givenName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: "M" | "F";
  /** Belfiore code, e.g. H501 (Rome) or Z404 (USA). */
  birthPlaceCode: string;
}

function birthCode(birthDate: string, sex: "M" | "F"): string {
  const [year = "", month = "", day = ""] = birthDate.split("-");
  const dayNumber = Number(day) + (sex === "F" ? 40 : 0);
  return `${year.slice(2)}${MONTHS[Number(month) - 1] ?? "?"}${String(dayNumber).padStart(2, "0")}`;
}

/** The base codice fiscale of a person (no omocodia). */
export function buildCodiceFiscale(person: CodiceFiscalePerson): string {
  const first15 =
    surnameCode(person.surname) +
    givenNameCode(person.givenName) +
    birthCode(person.birthDate, person.sex) +
    person.birthPlaceCode.toUpperCase();
  return first15 + computeCheckCharacter(first15);
}

/** The omocodic variant that replaces the `level` rightmost digits, with its check character. */
export function omocodicVariant(cf: string, level: number): string {
  const chars = [...cf.slice(0, 15)];
  for (const position of [...DIGIT_POSITIONS].reverse().slice(0, level)) {
    const digit = Number(chars[position]);
    if (!Number.isNaN(digit)) chars[position] = OMOCODIA[digit]!;
  }
  const first15 = chars.join("");
  return first15 + computeCheckCharacter(first15);
}

/**
 * Fields of `person` that disagree with `cf` (empty when consistent). Omocodic characters are decoded
 * before comparing, so every omocodic variant of a person's code agrees with their data.
 */
export function checkCodiceFiscaleConsistency(
  cf: string,
  person: CodiceFiscalePerson,
): Array<"surname" | "givenName" | "birthDate" | "sex" | "birthPlaceCode"> {
  const base = decodeOmocodia(cf);
  const mismatches: Array<"surname" | "givenName" | "birthDate" | "sex" | "birthPlaceCode"> = [];
  if (base.slice(0, 3) !== surnameCode(person.surname)) mismatches.push("surname");
  if (base.slice(3, 6) !== givenNameCode(person.givenName)) mismatches.push("givenName");
  const [year = "", month = "", day = ""] = person.birthDate.split("-");
  const cfDay = Number(base.slice(9, 11));
  const sexOfCf = cfDay > 40 ? "F" : "M";
  if (
    base.slice(6, 8) !== year.slice(2) ||
    base[8] !== MONTHS[Number(month) - 1] ||
    cfDay % 40 !== Number(day)
  ) {
    mismatches.push("birthDate");
  }
  if (sexOfCf !== person.sex) mismatches.push("sex");
  if (base.slice(11, 15) !== person.birthPlaceCode.toUpperCase()) mismatches.push("birthPlaceCode");
  return mismatches;
}

/** What a codice fiscale tells of its holder: enough to pre-fill a form that the person then confirms. */
export interface CodiceFiscaleBirth {
  /** YYYY-MM-DD; the century is the latest that does not put the birth after `today`. */
  birthDate: string;
  sex: "M" | "F";
  /** Belfiore code of the place of birth. */
  birthPlaceCode: string;
}

/**
 * Birth date, sex and place of a valid codice fiscale (omocodic variants decoded first); undefined for an
 * invalid one or a date that does not exist.
 */
export function decodeCodiceFiscale(cf: string, today = new Date()): CodiceFiscaleBirth | undefined {
  const code = normaliseCodiceFiscale(cf);
  if (!isValidCodiceFiscale(code)) return undefined;
  const base = decodeOmocodia(code);
  const dayCode = Number(base.slice(9, 11));
  const day = dayCode % 40;
  const month = MONTHS.indexOf(base[8] ?? "") + 1;
  const twoDigits = Number(base.slice(6, 8));
  const thisYear = today.getUTCFullYear();
  let year = thisYear - (thisYear % 100) + twoDigits;
  if (Date.UTC(year, month - 1, day) > today.getTime()) year -= 100;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined;
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
    sex: dayCode > 40 ? "F" : "M",
    birthPlaceCode: base.slice(11, 15),
  };
}
