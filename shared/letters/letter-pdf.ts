import PDFDocument from "pdfkit";
import { dateFormat } from "../platform/clock.ts";
import { addressLines, printable } from "./address.ts";
import type { LetterToPrint } from "./letter.schema.ts";

const MM = 72 / 25.4;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const LEFT = 20 * MM;
const TEXT_W = 170 * MM;

const romeDate = dateFormat("it-IT", {
  timeZone: "Europe/Rome",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});

export const SENDER_LINE =
  "Istituto Nazionale della Previdenza Sociale - Servizio PIN - Via Ciro il Grande 21 - 00144 Roma RM - ITALIA";

const INTRO = [
  "ecco la seconda parte (caratteri 9-16) del PIN che hai richiesto. La prima parte (caratteri 1-8) ti è stata inviata per SMS, e-mail o PEC.",
  "here is the second part (characters 9-16) of the PIN you requested. The first part (characters 1-8) was sent to you by SMS, e-mail or PEC.",
];
const NEXT_STEPS = [
  "Cosa fare ora: accedi ai servizi online con il tuo codice fiscale e il PIN completo di 16 caratteri (la prima parte seguita da questa seconda parte) entro la data indicata; ti verrà chiesto di scegliere un nuovo PIN di 8 caratteri. Non comunicare il PIN a nessuno: l'Istituto non te lo chiederà mai. Se non hai richiesto il PIN, contatta il contact center o revocalo.",
  "What to do next: log in to the online services with your codice fiscale and the whole 16-character PIN (the first part followed by this second part) by the date shown; you will be asked to choose a new 8-character PIN. Never share your PIN: the Institute will never ask for it. If you did not request a PIN, call the contact center or revoke it.",
];

type Font = {
  id: string;
  ref(): unknown;
  encode(text: string): [string[], unknown];
  widthOfString(text: string, size: number): number;
};
interface Fonts {
  regular: Font;
  bold: Font;
  mono: Font;
  monoBold: Font;
}

/** A PDF string operand for text already limited to WinAnsi: hex, so nothing needs escaping. */
function hex(font: Font, text: string): string {
  return `<${font
    .encode(printable(text))[0]
    .map((c) => c.padStart(2, "0"))
    .join("")}>`;
}

/** One line of text at (x, top) in millimetres-from-the-top page terms, as raw PDF operators. */
function line(font: Font, size: number, x: number, top: number, text: string): string {
  return `BT /${font.id} ${size} Tf 1 0 0 1 ${x.toFixed(2)} ${(PAGE_H - top - size).toFixed(2)} Tm ${hex(font, text)} Tj ET\n`;
}

function wrap(font: Font, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of printable(text).split(" ")) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.widthOfString(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  return lines;
}

function paragraph(font: Font, size: number, top: number, text: string): { ops: string; bottom: number } {
  let ops = "";
  let y = top;
  for (const text_ of wrap(font, size, text, TEXT_W)) {
    ops += line(font, size, LEFT, y, text_);
    y += size * 1.25;
  }
  return { ops, bottom: y };
}

/** Layout of the parts every letter shares, drawn once per file as a form XObject. */
function templateOps(f: Fonts): string {
  let ops = line(f.regular, 7, LEFT, 12 * MM, SENDER_LINE);
  ops += line(f.regular, 9, 120 * MM, 50 * MM, "Riferimento / Reference:");
  ops += line(f.regular, 9, 120 * MM, 62 * MM, "Data / Date:");
  ops += line(f.bold, 12, LEFT, 100 * MM, "Seconda parte del PIN / Second part of your PIN");
  let y = 115 * MM;
  for (const text of INTRO) {
    const p = paragraph(f.regular, 10, y, text);
    ops += p.ops;
    y = p.bottom + 4;
  }
  ops += `1 w ${LEFT.toFixed(2)} ${(PAGE_H - 162 * MM).toFixed(2)} ${TEXT_W.toFixed(2)} ${(26 * MM).toFixed(2)} re S\n`;
  ops += line(f.bold, 10, LEFT, 170 * MM, "Valido fino al / Valid until:");
  y = 180 * MM;
  for (const text of NEXT_STEPS) {
    const p = paragraph(f.regular, 10, y, text);
    ops += p.ops;
    y = p.bottom + 6;
  }
  return ops;
}

/**
 * Renders one print-ready file: A4, one page per letter, the address where a DL/C5 window envelope shows it
 * (DIN 5008: 20 mm from the left, 45 mm from the top, 85 × 45 mm), Italian then English, part B large in
 * Courier. pdfkit builds the document, its fonts (standard ones: nothing embedded or fetched), compression
 * and cross-reference table; the text every letter shares is a form XObject drawn on each page, and each
 * page's own lines are written as raw text operators. That keeps a 2,000-letter file to a fraction of the
 * time and size of laying every page out with `doc.text` (see bench/letter-batch.ts).
 */
export async function renderLetterFile(
  letters: LetterToPrint[],
  options: { generatedAt?: Date } = {},
): Promise<{ pdf: Buffer; pages: { letterId: string; page: number }[] }> {
  const doc = new PDFDocument({
    size: "A4",
    autoFirstPage: false,
    compress: true,
    info: {
      Title: "Lettere PIN / PIN letters",
      Producer: "pin-service",
      CreationDate: options.generatedAt ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  const internal = doc as unknown as {
    _font: Font;
    ref(data: Record<string, unknown>): { end(chunk: string): void };
    page: { fonts: Record<string, unknown>; xobjects: Record<string, unknown> };
    addContent(ops: string): void;
  };
  const pick = (name: string) => {
    doc.font(name);
    return internal._font;
  };
  const fonts: Fonts = {
    regular: pick("Helvetica"),
    bold: pick("Helvetica-Bold"),
    mono: pick("Courier"),
    monoBold: pick("Courier-Bold"),
  };
  const fontResources = Object.fromEntries(Object.values(fonts).map((f) => [f.id, f.ref()]));
  const template = internal.ref({
    Type: "XObject",
    Subtype: "Form",
    BBox: [0, 0, PAGE_W, PAGE_H],
    Resources: { Font: fontResources },
  });
  template.end(templateOps(fonts));

  const pages = letters.map((letter, i) => {
    doc.addPage();
    Object.assign(internal.page.fonts, fontResources);
    internal.page.xobjects.Tpl = template;
    // pdfkit flips each page to a top-left origin; undo it so the operators below use PDF's own space.
    internal.addContent(`q 1 0 0 -1 0 ${PAGE_H} cm /Tpl Do\n${letterOps(fonts, letter)}Q`);
    return { letterId: letter.letterId, page: i + 1 };
  });
  doc.end();
  await finished;
  return { pdf: Buffer.concat(chunks), pages };
}

function letterOps(f: Fonts, letter: LetterToPrint): string {
  let ops = "";
  let y = 50 * MM;
  for (const text of addressLines(letter.recipient, letter.address)) {
    ops += line(f.regular, 10.5, 25 * MM, y, text);
    y += 12.5;
  }
  ops += line(f.regular, 9, 120 * MM, 55 * MM, letter.reference);
  ops += line(f.regular, 9, 120 * MM, 67 * MM, romeDate(new Date(letter.issuedAt)));
  ops += line(
    f.regular,
    10,
    LEFT,
    108 * MM,
    `Gentile / Dear ${letter.recipient.givenName} ${letter.recipient.surname},`,
  );
  const spaced = letter.partB.split("").join(" ");
  const bigWidth = f.monoBold.widthOfString(spaced, 30);
  ops += line(f.monoBold, 30, LEFT + (TEXT_W - bigWidth) / 2, 140 * MM, spaced);
  const label = `PIN (seconda parte / second part): ${letter.partB}`;
  ops += line(f.mono, 9, LEFT + (TEXT_W - f.mono.widthOfString(label, 9)) / 2, 153 * MM, label);
  ops += line(f.bold, 10, 75 * MM, 170 * MM, romeDate(new Date(letter.validUntil)));
  const footer = printable(letter.reference);
  ops += line(f.regular, 7, LEFT + TEXT_W - f.regular.widthOfString(footer, 7), 285 * MM, footer);
  return ops;
}
