import { countryName } from "./i18n.ts";
import { REGION_CODES as CODES } from "./region-codes.ts";

/** Countries sorted by their name in the current language. */
export function countryOptions(): Array<{ value: string; label: string }> {
  return CODES.map((code) => ({ value: code, label: countryName(code) })).sort((a, b) =>
    a.label.localeCompare(b.label),
  );
}
