/**
 * Conversion to dispositivo (F10) and applications (F11) in the browser: a suspended application, the
 * request with both documents uploaded straight to S3 (progress bars), its approval in the back office, and
 * the application released.
 */
import { describe, expect, it } from "vitest";
import { activeHolders } from "../e2e/journeys.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { audit, open, useBrowser } from "./browser.ts";

const PIN = "K7TQ2M9X";
const session = useBrowser();

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082",
  "hex",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

describe("conversion and applications", () => {
  it("suspended application → conversion with uploads → back-office approval → application accepted", async () => {
    const person = pinRequestBody();
    await activeHolders([person], PIN);
    const page = await session.newPage("it");
    await open(page, "/login/");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.fill('input[name="pin"]', PIN);
    await page.click("button[type=submit]");
    await page.waitForURL("**/area/");

    await open(page, "/area/applications/");
    await page.selectOption('select[name="benefit"]', "naspi");
    await page.click("text=Invia la domanda");
    await page.waitForSelector("#submitted");
    expect(await page.textContent("main")).toContain("Sospesa");
    await audit(page, "applications");

    await open(page, "/area/conversion/");
    await audit(page, "conversion");
    await page.selectOption('select[name="identityDocument.kind"]', "passport");
    await page.fill('input[name="identityDocument.number"]', "YB7654321");
    await page.selectOption('select[name="identityDocument.issuingCountry"]', "US");
    await page.fill('input[name="identityDocument.expiryDate"]', "2033-01-31");
    await page.click("text=Avvia la richiesta");
    await page.waitForSelector('input[type=file][name="request-form"]');
    await page.setInputFiles('input[type=file][name="request-form"]', {
      name: "modulo.pdf",
      mimeType: "application/pdf",
      buffer: PDF,
    });
    await page.setInputFiles('input[type=file][name="identity-document"]', {
      name: "passaporto.png",
      mimeType: "image/png",
      buffer: PNG,
    });
    await expect
      .poll(() => page.locator('[role=progressbar][aria-valuenow="100"]').count(), { timeout: 20_000 })
      .toBe(2);
    await audit(page, "conversion-uploaded");
    await page.click("text=Invia la richiesta");
    await page.waitForSelector("#notice");
    expect(await page.textContent('[data-testid="conversion-status"]')).toContain("Inviata");

    const office = await session.newPage("it");
    await open(office, "/operator/");
    await office.selectOption('select[name="role"]', "back-office");
    await office.fill('input[name="operatorId"]', "bo-1");
    await office.click("button[type=submit]");
    await office.waitForURL("**/operator/back-office/");
    const item = office.locator(".list-group-item", { hasText: person.codiceFiscale });
    await item.waitFor();
    expect(await item.locator("img.document-preview").count()).toBe(1);
    await audit(office, "operator-back-office");
    await item.locator("text=Approva").click();
    await office.waitForSelector("#notice");

    await open(page, "/area/applications/");
    expect(await page.textContent("main")).toContain("Accettata");
    await open(page, "/area/");
    await page.waitForSelector('[data-testid="pin-type"]');
    expect(await page.textContent('[data-testid="pin-type"]')).toContain("Dispositivo");
  });
});
