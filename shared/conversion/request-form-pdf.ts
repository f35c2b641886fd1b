import PDFDocument from "pdfkit";
import type { IdentityDocument } from "../credentials/identity-document.ts";
import { printable } from "../letters/address.ts";

export interface RequestForm {
  requestId: string;
  holder: { surname: string; givenName: string; codiceFiscale: string; birthDate: string };
  identityDocument: IdentityDocument;
  createdAt: string;
}

const DOCUMENT_KINDS = {
  passport: "Passaporto / Passport",
  "identity-card": "Carta d'identità / Identity card",
  "driving-licence": "Patente / Driving licence",
  "residence-permit": "Permesso di soggiorno / Residence permit",
} as const;

/**
 * The pre-filled request form for converting a PIN to dispositivo (F10), in Italian and English: the holder
 * prints it, signs it, and uploads the signed scan with their identity document. It carries no secret.
 */
export function renderRequestForm(form: RequestForm): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    info: { Title: "Richiesta di PIN dispositivo / Request for a dispositivo PIN", Producer: "pin-service" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));

  doc.font("Helvetica-Bold").fontSize(14).text("Istituto Nazionale della Previdenza Sociale");
  doc.moveDown(0.3).fontSize(12).text("Richiesta di conversione del PIN in dispositivo");
  doc.font("Helvetica").fontSize(11).text("Request to convert the PIN to dispositivo");
  doc.moveDown();
  doc.fontSize(9).text(`Riferimento / Reference: ${form.requestId}`);
  doc.text(`Data / Date: ${form.createdAt.slice(0, 10)}`);
  doc.moveDown();

  const row = (label: string, value: string) => {
    doc.font("Helvetica").fontSize(9).fillColor("#444").text(label);
    doc.font("Helvetica-Bold").fontSize(11).fillColor("#000").text(printable(value)).moveDown(0.4);
  };
  row("Cognome / Surname", form.holder.surname);
  row("Nome / Given name", form.holder.givenName);
  row("Codice fiscale", form.holder.codiceFiscale);
  row("Data di nascita / Date of birth", form.holder.birthDate);
  row("Documento di identità / Identity document", DOCUMENT_KINDS[form.identityDocument.kind]);
  row("Numero / Number", form.identityDocument.number);
  row("Paese di rilascio / Issuing country", form.identityDocument.issuingCountry);
  row("Scadenza / Expiry date", form.identityDocument.expiryDate);
  doc.moveDown();
  doc
    .font("Helvetica")
    .fontSize(10)
    .text(
      "Il/la sottoscritto/a chiede che il proprio PIN ordinario sia convertito in PIN dispositivo, per poter " +
        "presentare domande online. Dichiara che i dati sopra riportati sono veri e allega copia del documento di identità.",
    )
    .moveDown(0.5)
    .text(
      "I, the undersigned, ask that my ordinario PIN be converted to a dispositivo PIN, so that I can submit " +
        "applications online. I declare that the data above are true and attach a copy of my identity document.",
    );
  doc.moveDown(3);
  doc.text("Luogo e data / Place and date  ____________________________");
  doc.moveDown(2);
  doc.text("Firma / Signature  ____________________________");
  doc.moveDown(3);
  doc
    .fontSize(8)
    .fillColor("#444")
    .text(
      "Stampa, firma e carica questo modulo insieme al documento di identità (PDF, JPEG o PNG, al massimo 10 MB). " +
        "Print, sign and upload this form with your identity document (PDF, JPEG or PNG, at most 10 MB).",
    );
  doc.end();
  return done;
}
