/**
 * Places of birth by name: Italian municipalities (today's and suppressed ones, whose codes people born there
 * keep) and foreign states, each with its Belfiore code, from the table `codice-fiscale-js` ships (CC BY-SA
 * 4.0). The table is a chunk of its own, loaded on first use, so the pages that show the picker stay small.
 *
 * Pure (no DOM, no catalogue) so that it can be tested in Node: the caller passes the language and the words.
 */
import { REGION_CODES } from "./region-codes.ts";

/** A row of the table: Belfiore code, province ("EE" for a foreign state), name in capitals, 1 when current. */
export type PlaceRow = readonly [code: string, province: string, name: string, current: number];

export interface Place {
  code: string;
  /** What the picker shows and the person picks, unique in the list. */
  label: string;
  /** The Italian name of a foreign state shown by its English name, also accepted when typed. */
  alias?: string;
}

export interface Places {
  /** Every place, sorted by label. */
  options: Place[];
  /** The code of a label, an alias or a code typed as such (H501); undefined for anything else. */
  codeOf(text: string): string | undefined;
  /** The label of a code: its current entry when it has several names. */
  labelOf(code: string): string | undefined;
}

export interface PlaceWords {
  /** Marks a suppressed municipality or a former name, e.g. "soppresso". */
  former: string;
}

const LOWER = new Set(["di", "del", "della", "dei", "degli", "delle", "da", "dal", "dalla", "in", "e", "ed"]);
const LOWER_ELIDED = new Set(["d", "l", "dell", "nell", "sull", "all", "dall"]);

/** "REGGIO NELL'EMILIA" → "Reggio nell'Emilia". */
export function titleCase(name: string): string {
  return name
    .toLowerCase()
    .replace(/\p{L}+('?)/gu, (word, apostrophe: string, offset: number) => {
      const bare = word.replace("'", "");
      if (offset > 0 && (apostrophe ? LOWER_ELIDED.has(bare) : LOWER.has(bare))) return word;
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .replace(/\s*=\s*/g, " / ");
}

/** Letters only, without accents, lower case, one space between words: how typed text and labels compare. */
export function searchKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const FILLER = new Set(["isole", "isola", "repubblica", "di", "del", "della", "e", "d", "ed"]);
const words = (name: string) =>
  searchKey(name)
    .split(" ")
    .filter((w) => w && !FILLER.has(w));
const sameWords = (a: string[], b: string[]) => a.length === b.length && a.every((w) => b.includes(w));
const within = (a: string[], b: string[]) => a.length > 0 && a.every((w) => b.includes(w));

/**
 * The ISO region of each foreign state of the table, by its Italian name as the runtime's `Intl.DisplayNames`
 * gives it: the same words; or else, when one current state alone (by code) has all the words of the region's name or
 * only words of it ("Stati Uniti" in "Stati Uniti d'America", "Hong Kong" in "RAS di Hong Kong"), and no
 * other region claims that state the same way. States with no match keep the table's Italian name.
 */
function regionsOf(states: PlaceRow[]): Map<string, string> {
  const italian = new Intl.DisplayNames(["it"], { type: "region" });
  const rowWords = states.map((row) => ({ row, words: row[2].split("=").map(words) }));
  const exact = new Map<string, string>();
  const loose = new Map<string, Set<string>>();
  for (const region of REGION_CODES) {
    const name = words(italian.of(region) ?? "");
    const same = rowWords.filter((r) => r.words.some((w) => sameWords(w, name)));
    for (const r of same) if (!exact.has(r.row[2])) exact.set(r.row[2], region);
    if (same.length) continue;
    const near = rowWords.filter(
      (r) => r.row[3] === 1 && r.words.some((w) => within(name, w) || within(w, name)),
    );
    if (new Set(near.map((r) => r.row[0])).size !== 1) continue;
    for (const r of near) loose.set(r.row[2], (loose.get(r.row[2]) ?? new Set()).add(region));
  }
  for (const [state, regions] of loose) {
    if (!exact.has(state) && regions.size === 1) exact.set(state, [...regions][0]!);
  }
  return exact;
}

export function buildPlaces(rows: readonly PlaceRow[], lang: "it" | "en", text: PlaceWords): Places {
  const states = rows.filter((row) => row[1] === "EE");
  const regions = regionsOf(states);
  const names = new Intl.DisplayNames([lang === "it" ? "it-IT" : "en-GB"], { type: "region" });
  const drafts = rows.map((row) => {
    const [code, province, name, current] = row;
    if (province === "EE") {
      const region = regions.get(name);
      const label = region ? (names.of(region) ?? titleCase(name)) : titleCase(name);
      const italian = titleCase(name);
      return { code, current, named: Boolean(region), label, alias: italian !== label ? italian : undefined };
    }
    const where = current ? province : `${province}, ${text.former}`;
    return { code, current, named: true, label: `${titleCase(name)} (${where})`, alias: undefined };
  });
  // The same label for two codes (a state's former code, a name used twice): the current one keeps the label,
  // the others show their code; the same label for the same code is one entry.
  const codesByLabel = new Map<string, Set<string>>();
  const currentByLabel = new Map<string, Set<string>>();
  for (const d of drafts) {
    codesByLabel.set(d.label, (codesByLabel.get(d.label) ?? new Set()).add(d.code));
    if (d.current) currentByLabel.set(d.label, (currentByLabel.get(d.label) ?? new Set()).add(d.code));
  }
  const options = new Map<string, Place>();
  // The label a code is shown by: a current name before a former one, a name in the reader's language first.
  const preferred = new Map<string, { label: string; rank: number }>();
  for (const d of drafts) {
    const clash = (codesByLabel.get(d.label)?.size ?? 0) > 1;
    const currentHolders = currentByLabel.get(d.label)?.size ?? 0;
    const keepsLabel = d.current ? currentHolders === 1 : currentHolders === 0 && !clash;
    const label = clash && !keepsLabel ? `${d.label} – ${d.code}` : d.label;
    if (!options.has(label)) options.set(label, { code: d.code, label, alias: d.alias });
    const rank = (d.current ? 2 : 0) + (d.named ? 1 : 0);
    if (rank > (preferred.get(d.code)?.rank ?? -1)) preferred.set(d.code, { label, rank });
  }
  const collator = new Intl.Collator(lang);
  const sorted = [...options.values()].sort((a, b) => collator.compare(a.label, b.label));
  const byKey = new Map<string, string>();
  for (const place of sorted) {
    byKey.set(searchKey(place.label), place.code);
    if (place.alias && !byKey.has(searchKey(place.alias))) byKey.set(searchKey(place.alias), place.code);
  }
  const codes = new Set(rows.map((row) => row[0]));
  return {
    options: sorted,
    codeOf(typed) {
      const code = typed.trim().toUpperCase();
      if (/^[A-Z]\d{3}$/.test(code) && codes.has(code)) return code;
      return byKey.get(searchKey(typed));
    },
    labelOf: (code) => preferred.get(code.toUpperCase())?.label,
  };
}

let table: Promise<readonly PlaceRow[]> | undefined;

/** The table, fetched once (a chunk of its own). */
export function placeRows(): Promise<readonly PlaceRow[]> {
  table ??= import("./places-data.ts").then((module) => module.places);
  return table;
}
