import { lettersPrefixes } from "../bucket-layout.ts";
import { romeDate } from "../platform/clock.ts";

/** `batches/YYYY/MM/DD/<batchId>/`, dated by the Europe/Rome calendar. */
export function batchPrefix(date: Date, batchId: string): string {
  const [year, month, day] = romeDate(date).split("-");
  return `${lettersPrefixes.batches}${year}/${month}/${day}/${batchId}/`;
}

export function letterFileKey(prefix: string, index: number): string {
  return `${prefix}letters-${String(index).padStart(4, "0")}.pdf`;
}

export function manifestKeys(prefix: string) {
  return { json: `${prefix}manifest.json`, csv: `${prefix}manifest.csv`, summary: `${prefix}summary.json` };
}
