/**
 * The benchmark baseline: the straightforward way to print letters with pdfkit, laying out every page with
 * `doc.text` (this was the service's first renderer). bench/letter-batch.ts feeds it every letter at once, so
 * it builds ONE document holding them all. Not used by the service.
 */
import PDFDocument from "pdfkit";
import { addressLines, printable } from "../shared/letters/address.ts";
import type { LetterToPrint } from "../shared/letters/letter.schema.ts";

const MM = 72 / 25.4;
const romeDate = new Intl.DateTimeFormat("it-IT", {
  timeZone: "Europe/Rome",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});

const SENDER_LINES = [
  "Istituto Nazionale della Previdenza Sociale",
  "Servizio PIN - Direzione Centrale",
  "Via Ciro il Grande 21",
  "00144 Roma RM",
  "ITALIA",
];

/**
 * Renders one print-ready file: A4, one page per letter, the address where a DL/C5 window envelope shows
 * it (DIN 5008: 20 mm from the left, 45 mm from the top, 85 × 45 mm), Italian then English, part B large in
 * Courier. Standard fonts only, so nothing is embedded or fetched. Returns the PDF and each letter's page.
 */
export async function renderLetterFileNaively(
  letters: LetterToPrint[],
  options: { generatedAt?: Date } = {},
): Promise<{ pdf: Buffer; pages: { letterId: string; page: number }[] }> {
  const doc = new PDFDocument({
    size: "A4",
    autoFirstPage: false,
    compress: true,
    margins: { top: 10 * MM, bottom: 10 * MM, left: 20 * MM, right: 20 * MM },
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
  const pages = letters.map((letter, i) => {
    doc.addPage();
    drawLetter(doc, letter);
    return { letterId: letter.letterId, page: i + 1 };
  });
  doc.end();
  await finished;
  return { pdf: Buffer.concat(chunks), pages };
}

function drawLetter(doc: PDFKit.PDFDocument, letter: LetterToPrint): void {
  const left = 20 * MM;
  const width = 170 * MM;
  const validUntil = romeDate.format(new Date(letter.validUntil));
  const issued = romeDate.format(new Date(letter.issuedAt));

  doc.font("Helvetica").fontSize(7).fillColor("black");
  doc.text(SENDER_LINES.join(" - "), left, 12 * MM, { width });

  doc.fontSize(10.5).text(addressLines(letter.recipient, letter.address).join("\n"), left + 5 * MM, 50 * MM, {
    width: 75 * MM,
    height: 40 * MM,
    lineGap: 1,
  });

  doc
    .fontSize(9)
    .text(`Riferimento / Reference: ${letter.reference}\nData / Date: ${issued}`, 120 * MM, 50 * MM, {
      width: 70 * MM,
    });

  doc
    .font("Helvetica-Bold")
    .fontSize(12)
    .text("Seconda parte del PIN / Second part of your PIN", left, 100 * MM, { width });
  doc.font("Helvetica").fontSize(10).moveDown(0.6);
  doc.text(
    printable(
      `Gentile ${letter.recipient.givenName} ${letter.recipient.surname}, ecco la seconda parte (caratteri 9-16) del PIN che hai richiesto. ` +
        "La prima parte (caratteri 1-8) ti è stata inviata per SMS, e-mail o PEC.",
    ),
    { width },
  );
  doc.moveDown(0.8);
  const boxTop = doc.y;
  doc
    .rect(left, boxTop, width, 24 * MM)
    .lineWidth(1)
    .stroke();
  doc
    .font("Courier-Bold")
    .fontSize(30)
    .text(letter.partB.split("").join(" "), left, boxTop + 4 * MM, {
      width,
      align: "center",
    });
  doc
    .font("Courier")
    .fontSize(9)
    .text(`PIN (seconda parte / second part): ${letter.partB}`, left, boxTop + 16 * MM, {
      width,
      align: "center",
    });
  doc
    .font("Helvetica")
    .fontSize(10)
    .text("", left, boxTop + 28 * MM);
  doc.text(
    `Il PIN iniziale di 16 caratteri è valido fino al ${validUntil}. Cosa fare ora: accedi ai servizi online con il tuo ` +
      "codice fiscale e il PIN completo (prima parte seguita da questa seconda parte); ti verrà chiesto di sceglierne uno " +
      "nuovo di 8 caratteri. Non comunicare il PIN a nessuno: l'Istituto non te lo chiederà mai. Se non hai richiesto il PIN, " +
      "contatta il contact center o revocalo.",
    { width },
  );
  doc.moveDown(0.8);
  doc.text(
    `Your 16-character initial PIN is valid until ${validUntil}. What to do next: log in to the online services with your ` +
      "codice fiscale and the whole PIN (the first part followed by this second part); you will be asked to choose a new " +
      "8-character PIN. Never share your PIN: the Institute will never ask for it. If you did not request a PIN, call the " +
      "contact center or revoke it.",
    { width },
  );
  doc.fontSize(7).text(`${letter.reference}`, left, 280 * MM, { width, align: "right" });
}
