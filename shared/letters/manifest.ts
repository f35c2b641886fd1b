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
  /** Pages of the PDF not to be mailed: their letter was cancelled (PIN revoked) as the file was made. */
  withdrawnPages?: number[];
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

/**
 * Every cell in double quotes (RFC 4180, inner quotes doubled): a spreadsheet with a `;` list separator (the
 * Italian locale) splits an unquoted cell on `;`, so quoting only cells with commas is not enough. A leading
 * `'` defuses cells a spreadsheet would read as a formula.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

function rowsOf(file: ManifestFile): ManifestRow[] {
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
}

/**
 * The batch manifest for the print house (JSON and CSV: where each letter is, to whom it goes) and the batch
 * summary, built file by file. Rows are kept as serialised text, not objects, so a 100,000-letter batch
 * holds a few tens of MB. Built from the letters' public data only: part B is not an input, so it cannot
 * leak here.
 */
export class ManifestBuilder {
  private readonly jsonRows: string[] = [];
  private readonly csvRows: string[] = [CSV_COLUMNS.map(csvCell).join(",")];
  private readonly files: Array<{ key: string; letters: number; sha256: string; withdrawnPages?: number[] }> =
    [];
  private readonly countries: Record<string, number> = {};

  constructor(
    readonly batchId: string,
    readonly createdAt: string,
  ) {}

  addFile(file: ManifestFile): void {
    for (const r of rowsOf(file)) {
      this.jsonRows.push(JSON.stringify(r));
      this.csvRows.push(
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
      );
      this.countries[r.countryCode] = (this.countries[r.countryCode] ?? 0) + 1;
    }
    this.files.push({
      key: file.key,
      letters: file.pages.length,
      sha256: file.sha256,
      ...(file.withdrawnPages?.length ? { withdrawnPages: file.withdrawnPages } : {}),
    });
  }

  get letterCount(): number {
    return this.jsonRows.length;
  }

  build() {
    const head = JSON.stringify({ batchId: this.batchId, createdAt: this.createdAt });
    return {
      json: `${head.slice(0, -1)},"letters":[\n${this.jsonRows.join(",\n")}\n]}\n`,
      csv: `${this.csvRows.join("\r\n")}\r\n`,
      summary: {
        batchId: this.batchId,
        createdAt: this.createdAt,
        letters: this.jsonRows.length,
        files: this.files,
        countries: this.countries,
      },
    };
  }
}

export function buildManifest(batch: { batchId: string; createdAt: string; files: ManifestFile[] }) {
  const builder = new ManifestBuilder(batch.batchId, batch.createdAt);
  for (const file of batch.files) builder.addFile(file);
  return builder.build();
}
