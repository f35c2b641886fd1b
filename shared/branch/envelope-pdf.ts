import PDFDocument from "pdfkit";
import { printable } from "../letters/address.ts";
import { dateFormat } from "../platform/clock.ts";

export interface PinMailer {
  holder: { surname: string; givenName: string; codiceFiscale: string };
  /** 16 characters 0-9A-F; printed once, on the inner part, and nowhere else. */
  initialPin: string;
  /** ISO timestamp; printed as a Europe/Rome date and time. */
  validUntil: string;
  pinType: "ordinario" | "dispositivo";
  holderKind: "citizen" | "intermediary";
  intermediary?: { kind: "caf" | "patronato" | "professional" | "employer"; organisation: string };
  /** A short reference printed on both the outer and the inner part (e.g. the credential id's first 8 chars). */
  reference: string;
  /** ISO timestamp. */
  issuedAt: string;
  /** Where the holder logs in, e.g. the web origin; a generic wording is printed without it. */
  webAddress?: string;
}

const MM = 72 / 25.4;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const LEFT = 18 * MM;
const WIDTH = PAGE_W - 2 * LEFT;
const FOLD_1 = PAGE_H / 3;
const FOLD_2 = (2 * PAGE_H) / 3;
const PIN_BOX = { top: FOLD_1 + 17 * MM, height: 20 * MM, width: 140 * MM };
const GUTTER = 8 * MM;
const COLUMN_W = (WIDTH - GUTTER) / 2;

const itDate = dateFormat("it-IT", {
  timeZone: "Europe/Rome",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});
const enDate = dateFormat("en-GB", {
  timeZone: "Europe/Rome",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const romeTime = dateFormat("it-IT", {
  timeZone: "Europe/Rome",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

const PIN_TYPES = {
  ordinario: "ordinario (consultazione / consult only)",
  dispositivo: "dispositivo (anche per presentare domande / may also submit applications)",
} as const;

const INTERMEDIARY_KINDS = {
  caf: "CAF",
  patronato: "Patronato",
  professional: "Professionista / Professional",
  employer: "Datore di lavoro / Employer",
} as const;

/** First 6 and last character visible: enough for the holder to recognise, not enough to reuse. */
export function maskCodiceFiscale(codiceFiscale: string): string {
  const cf = codiceFiscale.toUpperCase();
  if (cf.length <= 7) return "*".repeat(cf.length);
  return `${cf.slice(0, 6)}${"*".repeat(cf.length - 7)}${cf.slice(-1)}`;
}

/** `A1B2C3D4E5F6A7B8` → `A1B2 C3D4 E5F6 A7B8`: easier to copy; login ignores the spaces (docs/product/http-api.md#conventions). */
export function groupPin(pin: string): string {
  return pin.replace(/(.{4})(?!$)/g, "$1 ");
}

function firstAccessSteps(mailer: PinMailer): { it: string[]; en: string[] } {
  const intermediary = mailer.holderKind === "intermediary";
  const web = mailer.webAddress ? printable(mailer.webAddress) : undefined;
  return {
    it: [
      web
        ? `Vai su ${web} e scegli l'accesso con PIN.`
        : "Vai al servizio web dell'Istituto e scegli l'accesso con PIN.",
      "Accedi con il tuo codice fiscale e con il PIN di 16 caratteri stampato nella parte interna (gli spazi non contano), entro la data di validità indicata.",
      "Scegli il tuo PIN personale di 8 caratteri, lettere e cifre, che non contenga il tuo nome o cognome né parti del tuo codice fiscale. Da quel momento il PIN di 16 caratteri non vale più.",
      intermediary
        ? "Come intermediario, il tuo PIN scade dopo 3 mesi: al primo accesso dopo la scadenza ne sceglierai uno nuovo."
        : "Il tuo PIN scade dopo 6 mesi: al primo accesso dopo la scadenza ne sceglierai uno nuovo.",
      "Non comunicare mai il PIN a nessuno. L'INPS non ti chiederà mai il PIN per telefono o per e-mail.",
      "Dopo il primo accesso distruggi questo foglio.",
    ],
    en: [
      web
        ? `Go to ${web} and choose to log in with PIN.`
        : "Go to the Institute's web service and choose to log in with PIN.",
      "Log in with your codice fiscale and the 16-character PIN printed on the inner part (spaces do not matter), by the date shown.",
      "Choose your own 8-character PIN, letters and digits, not containing your name or parts of your codice fiscale. From then on the 16-character PIN no longer works.",
      intermediary
        ? "As an intermediary, your PIN expires after 3 months: at your next login after that you will choose a new one."
        : "Your PIN expires after 6 months: at your next login after that you will choose a new one.",
      "Never share your PIN with anyone. INPS never asks for your PIN by phone or e-mail.",
      "Destroy this sheet after your first login.",
    ],
  };
}

type Doc = PDFKit.PDFDocument;

/** One unwrapped line, shrunk (down to 60 %) when it would not fit `width`. */
function line(doc: Doc, font: string, size: number, text: string, x: number, y: number, width = WIDTH) {
  doc.font(font).fontSize(size);
  const fitted = Math.max(size * 0.6, Math.min(size, (size * width) / doc.widthOfString(text)));
  doc.fontSize(fitted).text(text, x, y, { lineBreak: false });
}

function dashedFold(doc: Doc, y: number, label: string) {
  doc.save().lineWidth(0.6).dash(4, { space: 3 }).moveTo(0, y).lineTo(PAGE_W, y).stroke().undash().restore();
  doc.font("Helvetica").fontSize(6.5);
  doc.text(label, PAGE_W - LEFT - doc.widthOfString(label), y - 9, { lineBreak: false });
}

/**
 * Cross-hatching on the outer part exactly over where the PIN box lies once folded (fold 2 mirrors the
 * middle third onto the top one), so the PIN cannot be read by holding the sealed sheet against a light.
 */
function securityTint(doc: Doc) {
  const top = FOLD_1 - (PIN_BOX.top + PIN_BOX.height - FOLD_1);
  const x = (PAGE_W - PIN_BOX.width) / 2;
  const step = 1.3 * MM;
  doc.save().rect(x, top, PIN_BOX.width, PIN_BOX.height).clip().lineWidth(0.7).strokeColor("#555555");
  for (let d = -PIN_BOX.height; d < PIN_BOX.width; d += step) {
    doc.moveTo(x + d, top).lineTo(x + d + PIN_BOX.height, top + PIN_BOX.height);
    doc.moveTo(x + d, top + PIN_BOX.height).lineTo(x + d + PIN_BOX.height, top);
  }
  doc.stroke().restore();
}

function outerPart(doc: Doc, m: PinMailer) {
  line(doc, "Helvetica-Bold", 14, "Istituto Nazionale della Previdenza Sociale — PIN", LEFT, 10 * MM);
  line(
    doc,
    "Helvetica",
    8,
    "Busta PIN rilasciata in sede / PIN mailer issued at a branch office",
    LEFT,
    17 * MM,
  );
  line(doc, "Helvetica-Bold", 11, "Riservato / Confidential", LEFT, 24 * MM);
  line(
    doc,
    "Helvetica",
    8,
    "piegare lungo le linee tratteggiate e sigillare / fold along the dashed lines and seal",
    LEFT,
    29.5 * MM,
  );
  line(doc, "Helvetica", 8, "Titolare / Holder", LEFT, 37 * MM);
  line(doc, "Helvetica-Bold", 13, printable(`${m.holder.givenName} ${m.holder.surname}`), LEFT, 41 * MM);
  line(doc, "Helvetica", 8, "Codice fiscale / Tax code", LEFT, 49 * MM);
  line(doc, "Courier-Bold", 11, maskCodiceFiscale(m.holder.codiceFiscale), LEFT, 53 * MM, 70 * MM);
  const right = LEFT + 105 * MM;
  line(doc, "Helvetica", 8, "Riferimento / Reference", right, 49 * MM);
  line(doc, "Courier-Bold", 11, printable(m.reference), right, 53 * MM, WIDTH - 105 * MM);
  line(doc, "Helvetica", 8, "Rilasciato il / Issued on", right, 37 * MM);
  line(doc, "Helvetica-Bold", 11, itDate(new Date(m.issuedAt)), right, 41 * MM, WIDTH - 105 * MM);
  securityTint(doc);
}

function innerPart(doc: Doc, m: PinMailer) {
  line(
    doc,
    "Helvetica-Bold",
    8,
    "PARTE INTERNA / INNER PART — solo per il titolare / for the holder only",
    LEFT,
    FOLD_1 + 4 * MM,
  );
  line(
    doc,
    "Helvetica",
    10,
    "Il tuo PIN iniziale di 16 caratteri / Your 16-character initial PIN",
    LEFT,
    FOLD_1 + 11 * MM,
  );
  const boxX = (PAGE_W - PIN_BOX.width) / 2;
  doc.save().lineWidth(1.2).rect(boxX, PIN_BOX.top, PIN_BOX.width, PIN_BOX.height).stroke().restore();
  const pin = groupPin(m.initialPin);
  doc.font("Courier-Bold").fontSize(28);
  doc.text(
    pin,
    (PAGE_W - doc.widthOfString(pin)) / 2,
    PIN_BOX.top + (PIN_BOX.height - doc.currentLineHeight()) / 2 + 2,
    { lineBreak: false },
  );

  const until = new Date(m.validUntil);
  const time = romeTime(until);
  let y = PIN_BOX.top + PIN_BOX.height + 5 * MM;
  const row = (label: string, value: string) => {
    line(doc, "Helvetica", 8, label, LEFT, y);
    line(doc, "Helvetica-Bold", 9.5, value, LEFT + 50 * MM, y - 0.5, WIDTH - 50 * MM);
    y += 6 * MM;
  };
  row(
    "Valido fino al / Valid until",
    `${itDate(until)}, ore ${time} / ${enDate(until)}, ${time} (ora italiana / Italian time)`,
  );
  row("Tipo di PIN / PIN type", PIN_TYPES[m.pinType]);
  if (m.intermediary) {
    row(
      "Intermediario / Intermediary",
      `${INTERMEDIARY_KINDS[m.intermediary.kind]} — ${printable(m.intermediary.organisation)}`,
    );
  }
  row("Riferimento / Reference", printable(m.reference));
  line(
    doc,
    "Helvetica",
    7.5,
    "Il PIN iniziale vale per un solo accesso, entro la data indicata. / The initial PIN works for one login only, by the date shown.",
    LEFT,
    FOLD_2 - 9 * MM,
  );
}

function instructions(doc: Doc, m: PinMailer) {
  const steps = firstAccessSteps(m);
  const columns = [
    { x: LEFT, title: "Primo accesso", steps: steps.it },
    { x: LEFT + COLUMN_W + GUTTER, title: "First access", steps: steps.en },
  ];
  for (const column of columns) {
    line(doc, "Helvetica-Bold", 11, column.title, column.x, FOLD_2 + 6 * MM, COLUMN_W);
    let y = FOLD_2 + 14 * MM;
    column.steps.forEach((step, i) => {
      doc
        .font("Helvetica-Bold")
        .fontSize(8.5)
        .text(`${i + 1}.`, column.x, y, { lineBreak: false });
      doc.font("Helvetica").fontSize(8.5);
      const options = { width: COLUMN_W - 5 * MM, lineGap: 1.5 };
      doc.text(step, column.x + 5 * MM, y, options);
      y += doc.heightOfString(step, options) + 2.5 * MM;
    });
  }
}

/**
 * Renders the sealed PIN mailer a branch operator prints for a holder in front of them (F9 / F13): one A4
 * page in three parts, separated by dashed fold lines.
 *
 * - Top third, the outside of the sealed mailer: heading, holder, masked codice fiscale, reference; no PIN.
 * - Middle third, the inside: the PIN in large Courier-Bold, grouped 4 × 4, with its validity and type.
 * - Bottom third: first-access instructions, Italian and English side by side.
 *
 * Folding: (1) fold the bottom third up onto the middle one, printed sides together, so the instructions
 * cover the PIN; (2) fold that pair backwards behind the top third, and seal. The PIN ends up between two
 * printed faces, with the top third's cross-hatching in front of it and blank paper behind. Nothing is
 * rotated: the holder reads the sheet opened flat, so one orientation is right for all three parts, and
 * the operator can check the page before folding; facing inward comes from the folds, not from rotation.
 *
 * Standard PDF fonts only (nothing embedded), no images, creation date = `issuedAt`: the same mailer always
 * gives the same bytes, a few kilobytes. The PIN is never logged or thrown: a malformed one is refused by
 * shape only.
 */
export async function renderPinMailer(mailer: PinMailer): Promise<Buffer> {
  if (!/^[0-9A-F]{16}$/.test(mailer.initialPin)) throw new Error("initial PIN must be 16 characters 0-9A-F");
  const doc = new PDFDocument({
    size: "A4",
    margin: 0,
    compress: true,
    info: {
      Title: "Busta PIN / PIN mailer",
      Producer: "pin-service",
      CreationDate: new Date(mailer.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });

  outerPart(doc, mailer);
  dashedFold(doc, FOLD_1, "piega 2: all'indietro / fold 2: backwards");
  innerPart(doc, mailer);
  dashedFold(doc, FOLD_2, "piega 1: verso l'alto / fold 1: upwards");
  instructions(doc, mailer);

  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
