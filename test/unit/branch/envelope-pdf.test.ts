import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { type PinMailer, renderPinMailer } from "#shared/branch/envelope-pdf";

const citizen: PinMailer = {
  holder: { surname: "Rossi", givenName: "Maria Lucia", codiceFiscale: "RSSMLC80A41H501U" },
  initialPin: "A1B2C3D4E5F6A7B8",
  validUntil: "2026-12-22T10:31:00.000Z",
  pinType: "dispositivo",
  holderKind: "citizen",
  reference: "3f9c21ab",
  issuedAt: "2026-11-22T10:31:00.000Z",
};

const intermediary: PinMailer = {
  ...citizen,
  holder: { surname: "Bianchi", givenName: "Giorgio", codiceFiscale: "BNCGRG75C12F205X" },
  initialPin: "0F1E2D3C4B5A6978",
  holderKind: "intermediary",
  intermediary: { kind: "caf", organisation: "CAF Lavoratori Milano Srl" },
};

async function pages(pdf: Buffer): Promise<string[]> {
  const { totalPages, text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), {
    mergePages: false,
  });
  expect(totalPages).toBe(text.length);
  // Wrapped lines come back with line breaks; compare words, not layout.
  return text.map((page) => page.replace(/\s+/g, " "));
}

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe("branch PIN mailer", () => {
  it("prints the PIN once, grouped, on a one-page PDF with the holder and bilingual first-access steps", async () => {
    const pdf = await renderPinMailer(citizen);

    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = await pages(pdf);
    expect(text).toHaveLength(1);
    const page = text[0]!;
    expect(page).toContain("A1B2 C3D4 E5F6 A7B8");
    expect(occurrences(page.replace(/ /g, ""), citizen.initialPin)).toBe(1);
    expect(page).toContain("Istituto Nazionale della Previdenza Sociale — PIN");
    expect(page).toContain("Maria Lucia Rossi");
    expect(page).toContain("RSSMLC*********U");
    expect(page).not.toContain(citizen.holder.codiceFiscale);
    expect(occurrences(page, "3f9c21ab")).toBe(2);
    expect(page).toContain("22/12/2026, ore 11:31 / 22 December 2026, 11:31");
    expect(page).toContain("dispositivo");
    expect(page).toContain("Riservato / Confidential");
    expect(page).toContain("PARTE INTERNA / INNER PART");
    for (const step of [
      "Accedi con il tuo codice fiscale e con il PIN di 16 caratteri",
      "Scegli il tuo PIN personale di 8 caratteri, lettere e cifre, che non contenga il tuo nome o cognome né parti del tuo codice fiscale",
      "Il tuo PIN scade dopo 6 mesi",
      "L'INPS non ti chiederà mai il PIN per telefono o per e-mail",
      "Log in with your codice fiscale and the 16-character PIN",
      "Choose your own 8-character PIN, letters and digits, not containing your name or parts of your codice fiscale",
      "Your PIN expires after 6 months",
      "INPS never asks for your PIN by phone or e-mail",
    ]) {
      expect(page).toContain(step);
    }
    expect(page).not.toContain("3 mesi");
    expect(page).not.toContain("3 months");
  });

  it("shows an intermediary's organisation and 3-month expiry", async () => {
    const page = (await pages(await renderPinMailer(intermediary)))[0]!;

    expect(page).toContain("CAF — CAF Lavoratori Milano Srl");
    expect(page).toContain("scade dopo 3 mesi");
    expect(page).toContain("expires after 3 months");
    expect(page).not.toContain("6 mesi");
    expect(page).toContain("0F1E 2D3C 4B5A 6978");
    expect(page).not.toContain(citizen.initialPin);
  });

  it("prints the web address when given and keeps names outside Latin-1 printable", async () => {
    const page = (
      await pages(
        await renderPinMailer({
          ...citizen,
          holder: { ...citizen.holder, surname: "Łukasiewicz", givenName: "Zoë" },
          webAddress: "https://pin.example.it",
        }),
      )
    )[0]!;

    expect(page).toContain("Vai su https://pin.example.it");
    expect(page).toContain("Go to https://pin.example.it");
    expect(page).toContain("Zoë Lukasiewicz");
  });

  it("is small and deterministic", async () => {
    const first = await renderPinMailer(intermediary);
    const second = await renderPinMailer(intermediary);

    expect(first.length).toBeLessThan(30 * 1024);
    expect(first.equals(second)).toBe(true);
  });

  it("refuses a malformed PIN without echoing it", async () => {
    const attempt = renderPinMailer({ ...citizen, initialPin: "a1b2c3d4e5f6a7b8" });

    await expect(attempt).rejects.toThrow("initial PIN must be 16 characters 0-9A-F");
    await expect(attempt).rejects.not.toThrow(/a1b2/i);
  });
});
