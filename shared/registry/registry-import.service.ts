import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import { uploadsPrefixes } from "../bucket-layout.ts";
import { checkCodiceFiscaleConsistency } from "../credentials/codice-fiscale.ts";
import type { FieldError } from "../platform/errors.ts";
import { toFieldErrors } from "../platform/field-errors.ts";
import { logger } from "../platform/logger.ts";
import { personRecordSchema } from "./registry.schema.ts";
import { putPersonOnRecord } from "./registry.store.ts";
import { putImportReport, readRegistryFile } from "./registry-files.store.ts";

const PARALLEL_WRITES = 16;
const LISTED_REJECTIONS = 1_000;

export interface ImportReport {
  file: string;
  format: "csv" | "jsonl";
  rows: number;
  written: number;
  unchanged: number;
  rejected: number;
  /** The first rejected rows with what is wrong; never the values themselves (they are personal data). */
  rejections: Array<{ line: number; errors: FieldError[] }>;
}

/** CSV columns, one per field; the address has up to four lines. */
export const CSV_COLUMNS = [
  "codiceFiscale",
  "surname",
  "givenName",
  "birthDate",
  "sex",
  "birthPlaceCode",
  "countryCode",
  "addressLine1",
  "addressLine2",
  "addressLine3",
  "addressLine4",
  "city",
  "postalCode",
  "region",
] as const;

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;

function fromCsvRow(row: CsvRow): unknown {
  const blank = (v: string | undefined) => (v?.trim() ? v : undefined);
  return {
    codiceFiscale: row.codiceFiscale,
    surname: row.surname,
    givenName: row.givenName,
    birthDate: row.birthDate,
    sex: row.sex,
    birthPlaceCode: row.birthPlaceCode,
    residence: {
      countryCode: row.countryCode,
      addressLines: [row.addressLine1, row.addressLine2, row.addressLine3, row.addressLine4].filter(
        (line) => blank(line) !== undefined,
      ),
      city: row.city,
      postalCode: row.postalCode,
      ...(blank(row.region) ? { region: row.region } : {}),
    },
  };
}

/** Each row of a file with its line number, parsed but not yet validated. */
async function* rowsOf(
  body: Readable,
  format: "csv" | "jsonl",
): AsyncGenerator<{ line: number; row: unknown }> {
  if (format === "csv") {
    const parser = body.pipe(
      parse({
        columns: true,
        bom: true,
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
        info: true,
      }),
    );
    for await (const { info, record } of parser as AsyncIterable<{
      info: { lines: number };
      record: CsvRow;
    }>) {
      yield { line: info.lines, row: fromCsvRow(record) };
    }
    return;
  }
  let line = 0;
  for await (const text of createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (!text.trim()) continue;
    try {
      yield { line, row: JSON.parse(text) };
    } catch {
      yield { line, row: Symbol.for("malformed") };
    }
  }
}

/** Validates one row: the record's shape, then the codice fiscale against the person's data. */
export function validateRow(row: unknown) {
  if (typeof row === "symbol") return { errors: [{ path: "", message: "Not valid JSON" }] };
  const parsed = personRecordSchema.safeParse(row);
  if (!parsed.success) return { errors: toFieldErrors(parsed.error) };
  const mismatches = checkCodiceFiscaleConsistency(parsed.data.codiceFiscale, parsed.data);
  if (mismatches.length) {
    return {
      errors: mismatches.map((path) => ({ path, message: "Does not agree with the codice fiscale" })),
    };
  }
  return { record: parsed.data };
}

/**
 * Primary course (record import): stream one dropped file, validate it row by row, write each valid person
 * (a row already on record with the same content writes nothing, so a re-delivered or re-dropped file is
 * harmless), and put a report beside it. A bad row never stops the file.
 */
export async function importRegistryFile(bucket: string, key: string): Promise<ImportReport> {
  const format = /\.csv$/i.test(key) ? "csv" : "jsonl";
  const body = await readRegistryFile(bucket, key);
  const report: ImportReport = {
    file: key,
    format,
    rows: 0,
    written: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
  };
  const source = `import:${key.slice(uploadsPrefixes.registryIncoming.length)}` as const;
  const inFlight = new Set<Promise<void>>();
  for await (const { line, row } of rowsOf(body, format)) {
    report.rows++;
    const { record, errors } = validateRow(row);
    if (!record) {
      report.rejected++;
      if (report.rejections.length < LISTED_REJECTIONS) report.rejections.push({ line, errors });
      continue;
    }
    const write = putPersonOnRecord(record, source).then((outcome) => {
      report[outcome]++;
      inFlight.delete(write);
    });
    inFlight.add(write);
    if (inFlight.size >= PARALLEL_WRITES) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const reportKey = `${uploadsPrefixes.registryReports}${key.slice(uploadsPrefixes.registryIncoming.length)}.report.json`;
  await putImportReport(bucket, reportKey, report);
  logger.info("registry file imported", {
    file: key,
    rows: report.rows,
    written: report.written,
    unchanged: report.unchanged,
    rejected: report.rejected,
  });
  return report;
}
