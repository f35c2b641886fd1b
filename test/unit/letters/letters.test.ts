import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { batchPrefix, letterFileKey, manifestKeys } from "#shared/letters/batch-keys";
import type { LetterToPrint } from "#shared/letters/letter.schema";
import { renderLetterFile } from "#shared/letters/letter-pdf";
import { buildManifest, csvCell } from "#shared/letters/manifest";

const letters: LetterToPrint[] = [
  {
    letterId: "11111111-1111-4111-8111-111111111111",
    reference: "PIN-2026-AAAA000001",
    recipient: { surname: "Müller-Lòpez", givenName: "José" },
    address: { countryCode: "DE", addressLines: ["Königstraße 5"], city: "Stuttgart", postalCode: "70173" },
    partB: "A1B2C3D4",
    validUntil: "2027-02-20T10:00:00.000Z",
    issuedAt: "2026-11-22T10:00:00.000Z",
  },
  {
    letterId: "22222222-2222-4222-8222-222222222222",
    reference: "PIN-2026-BBBB000002",
    recipient: { surname: "Rossi", givenName: "Mario" },
    address: {
      countryCode: "US",
      addressLines: ["1200 Market Street", "Apt 4B"],
      city: "San Francisco",
      postalCode: "94102",
      region: "CA",
    },
    partB: "E5F60718",
    validUntil: "2027-02-20T10:00:00.000Z",
    issuedAt: "2026-11-22T10:00:00.000Z",
  },
  {
    letterId: "33333333-3333-4333-8333-333333333333",
    reference: "PIN-2026-CCCC000003",
    recipient: { surname: 'Smith, "Jr"', givenName: "=HYPERLINK(1)" },
    address: {
      countryCode: "GB",
      addressLines: ["10 Downing Street"],
      city: "London",
      postalCode: "SW1A 2AA",
    },
    partB: "9ABCDEF0",
    validUntil: "2027-02-20T10:00:00.000Z",
    issuedAt: "2026-11-22T10:00:00.000Z",
  },
];

describe("letter PDF", () => {
  it("prints one page per letter with its own part B, reference, address and bilingual text", async () => {
    const { pdf, pages } = await renderLetterFile(letters);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pages).toEqual(letters.map((l, i) => ({ letterId: l.letterId, page: i + 1 })));
    const { totalPages, text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), {
      mergePages: false,
    });
    expect(totalPages).toBe(3);
    letters.forEach((letter, i) => {
      const page = text[i]!;
      expect(page).toContain(`second part): ${letter.partB}`);
      expect(page).toContain(letter.reference);
      expect(page).toContain("Seconda parte del PIN");
      expect(page).toContain("Second part of your PIN");
      expect(page).toContain("20/02/2027");
      for (const other of letters.filter((o) => o !== letter)) expect(page).not.toContain(other.partB);
    });
    expect(text[0]).toContain("José Müller-Lòpez");
    expect(text[0]).toMatch(/Stuttgart 70173\s+GERMANY/);
    expect(text[1]).toMatch(/San Francisco CA 94102\s+UNITED STATES/);
    expect(text[2]).toMatch(/London SW1A 2AA\s+UNITED KINGDOM/);
  });

  it("does not break on letters outside Latin-1", async () => {
    const { pdf } = await renderLetterFile([
      { ...letters[0]!, recipient: { surname: "Łukasiewicz", givenName: "Zoë 李" } },
    ]);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text).toContain("Lukasiewicz");
  });
});

describe("manifest", () => {
  const manifest = buildManifest({
    batchId: "b1",
    createdAt: "2026-11-22T01:00:00.000Z",
    files: [
      {
        key: "batches/x/letters-0001.pdf",
        sha256: "ab".repeat(32),
        letters,
        pages: letters.map((l, i) => ({ letterId: l.letterId, page: i + 1 })),
      },
    ],
  });

  it("lists file, page, recipient and address for every letter, and never part B", () => {
    const rows = JSON.parse(manifest.json).letters;
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({
      file: "batches/x/letters-0001.pdf",
      page: 2,
      recipient: "Mario Rossi",
      country: "UNITED STATES",
    });
    for (const letter of letters) {
      expect(manifest.json).not.toContain(letter.partB);
      expect(manifest.csv).not.toContain(letter.partB);
    }
    expect(manifest.summary).toMatchObject({ batchId: "b1", letters: 3, countries: { DE: 1, US: 1, GB: 1 } });
  });

  it("quotes CSV per RFC 4180 and defuses formulas", () => {
    expect(csvCell('Smith, "Jr"')).toBe('"Smith, ""Jr"""');
    expect(csvCell("=HYPERLINK(1)")).toBe(`"'=HYPERLINK(1)"`);
    expect(manifest.csv.split("\r\n")[0]).toBe(
      '"letterId","reference","file","page","recipient","address","city","postalCode","region","countryCode","country"',
    );
    expect(manifest.csv).toContain(`"'=HYPERLINK(1) Smith, ""Jr"""`);
  });

  it("quotes every field, so a `;` list separator (Italian locale) cannot split a cell", () => {
    const cities = [
      "Paris;=cmd|' /C calc'!A0",
      "=1+1",
      "+39",
      "-2",
      "@SUM(A1)",
      "\tTab",
      "\rCR",
      'Say "hi";x',
    ];
    const hostile = cities.map((city, i) => ({
      ...letters[0]!,
      letterId: `44444444-4444-4444-8444-44444444444${i}`,
      address: { ...letters[0]!.address, city },
    }));
    const { csv } = buildManifest({
      batchId: "b2",
      createdAt: "2026-11-22T01:00:00.000Z",
      files: [
        {
          key: "batches/y/letters-0001.pdf",
          sha256: "cd".repeat(32),
          letters: hostile,
          pages: hostile.map((l, i) => ({ letterId: l.letterId, page: i + 1 })),
        },
      ],
    });
    const lines = csv.split("\r\n").filter((line) => line !== "");
    // A line holds only quoted fields joined by commas: no `;` (nor anything else) stands outside quotes.
    for (const line of lines) expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
    const rows = lines.slice(1).map(parseCsvLine);
    expect(rows.map((r) => r[6])).toEqual([
      "Paris;=cmd|' /C calc'!A0",
      "'=1+1",
      "'+39",
      "'-2",
      "'@SUM(A1)",
      "'\tTab",
      "'\rCR",
      'Say "hi";x',
    ]);
    expect(csv).toContain(`"Paris;=cmd|' /C calc'!A0"`);
    for (const row of rows) expect(row).toHaveLength(11);
  });
});

/** A strict RFC 4180 reader for one line: every field quoted, `""` an escaped quote. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  const field = /"((?:[^"]|"")*)"(,|$)/y;
  while (field.lastIndex < line.length) {
    const match = field.exec(line);
    if (!match) throw new Error(`not RFC 4180 at ${field.lastIndex}: ${line}`);
    fields.push(match[1]!.replace(/""/g, '"'));
    if (match[2] === "") break;
  }
  return fields;
}

describe("batch keys", () => {
  it("dates batches by the Rome calendar", () => {
    expect(batchPrefix(new Date("2026-03-28T23:30:00Z"), "b1")).toBe("batches/2026/03/29/b1/");
    expect(letterFileKey("p/", 3)).toBe("p/letters-0003.pdf");
    expect(manifestKeys("p/").summary).toBe("p/summary.json");
  });
});
