import type { Residence } from "../credentials/credential.model.ts";
import { countryLine } from "./address.ts";

export interface ManifestFile {
  key: string;
  sha256: string;
  letters: Array<{
    letterId: string;
    reference: string;
    recipient: { surname: string; givenName: string };
    address: Residence;
  }>;
  pages: { letterId: string; page: number }[];
}

export interface ManifestRow {
  letterId: string;
  reference: string;
  file: string;
  page: number;
  recipient: string;
  addressLines: string[];
  city: string;
  postalCode: string;
  region: string;
  countryCode: string;
  country: string;
}

const CSV_COLUMNS = [
  "letterId",
  "reference",
  "file",
  "page",
  "recipient",
  "address",
  "city",
  "postalCode",
  "region",
  "countryCode",
  "country",
];

/** RFC 4180 quoting, and a leading `'` on cells a spreadsheet would read as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The batch manifest for the print house (JSON and CSV: where each letter is, to whom it goes) and the batch
 * summary. Built from the letters' public data only: part B is not an input, so it cannot leak here.
 */
export function buildManifest(batch: { batchId: string; createdAt: string; files: ManifestFile[] }) {
  const rows: ManifestRow[] = batch.files.flatMap((file) => {
    const pageOf = new Map(file.pages.map((p) => [p.letterId, p.page]));
    return file.letters.map((letter) => ({
      letterId: letter.letterId,
      reference: letter.reference,
      file: file.key,
      page: pageOf.get(letter.letterId) ?? 0,
      recipient: `${letter.recipient.givenName} ${letter.recipient.surname}`,
      addressLines: letter.address.addressLines,
      city: letter.address.city,
      postalCode: letter.address.postalCode,
      region: letter.address.region ?? "",
      countryCode: letter.address.countryCode,
      country: countryLine(letter.address.countryCode),
    }));
  });
  const csv = [
    CSV_COLUMNS.join(","),
    ...rows.map((r) =>
      [
        r.letterId,
        r.reference,
        r.file,
        r.page,
        r.recipient,
        r.addressLines.join(" / "),
        r.city,
        r.postalCode,
        r.region,
        r.countryCode,
        r.country,
      ]
        .map(csvCell)
        .join(","),
    ),
  ].join("\r\n");
  const countries: Record<string, number> = {};
  for (const row of rows) countries[row.countryCode] = (countries[row.countryCode] ?? 0) + 1;
  const summary = {
    batchId: batch.batchId,
    createdAt: batch.createdAt,
    letters: rows.length,
    files: batch.files.map((f) => ({ key: f.key, letters: f.pages.length, sha256: f.sha256 })),
    countries,
  };
  return {
    json: JSON.stringify({ batchId: batch.batchId, createdAt: batch.createdAt, letters: rows }, null, 2),
    csv: `${csv}\r\n`,
    summary,
  };
}
