/**
 * The operator console in a real Chromium: local sign-in by group, the contact center's request by phone with
 * part A shown once, adding a contact, revoking for a caller without health card, the branch issuance whose envelope opens as a PDF blob in a new tab,
 * and the auditor's paged events.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { outbox, postJson, putOnRecord } from "../e2e/helpers.ts";
import { activeHolders, issueInitialPins } from "../e2e/journeys.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { audit, open, useBrowser } from "./browser.ts";

const session = useBrowser();

async function signIn(role: string, operatorId: string): Promise<Page> {
  const page = await session.newPage("it");
  await open(page, "/operator/");
  await page.selectOption('select[name="role"]', role);
  await page.fill('input[name="operatorId"]', operatorId);
  await page.click("button[type=submit]");
  await page.waitForURL(`**/operator/${role}/`);
  await page.waitForSelector("#app[data-ready] .operator-bar");
  return page;
}

type Person = ReturnType<typeof pinRequestBody>;

async function fillPerson(page: Page, person: Person, form: string): Promise<void> {
  const scope = page.locator(form);
  await scope.locator('input[name="codiceFiscale"]').first().fill(person.codiceFiscale);
  await scope.locator('input[name="surname"]').fill(person.surname);
  await scope.locator('input[name="givenName"]').fill(person.givenName);
  // The codice fiscale fills in birth date, sex and place of birth (the same picker as the citizen's form).
  await expect.poll(() => scope.locator('input[name="birthDate"]').inputValue()).toBe(person.birthDate);
  await expect
    .poll(() => scope.locator('[data-path="birthPlaceCode"]').textContent())
    .toContain(person.birthPlaceCode);
  expect(await scope.locator(`input[type=radio][value="${person.sex}"]`).isChecked()).toBe(true);
  await scope
    .locator('select[name="residence.countryCode"]')
    .first()
    .selectOption(person.residence.countryCode);
  await scope.locator('input[name="residence.addressLines.0"]').fill(person.residence.addressLines[0]!);
  await scope.locator('input[name="residence.city"]').fill(person.residence.city);
  await scope.locator('input[name="residence.postalCode"]').fill(person.residence.postalCode);
  await scope.locator('input[name="contacts.mobile"]').fill(person.contacts.mobile);
  await scope.locator('input[name="contacts.email"]').fill(person.contacts.email);
}

describe("operator console", () => {
  it("signs in locally by group; a contact-center request shows part A once; a contact is added", async () => {
    const signInPage = await session.newPage("en");
    await open(signInPage, "/operator/");
    await audit(signInPage, "operator-sign-in");

    const person = pinRequestBody();
    await putOnRecord(person);
    const page = await signIn("contact-center", "cc-7");
    await audit(page, "operator-contact-center");
    await fillPerson(page, person, "#request-form");
    await page.locator("#request-form button[type=submit]").click();
    await page.waitForSelector('[data-testid="part-a"]');
    const shown = (await page.textContent('[data-testid="part-a"]'))?.replace(/\s/g, "");
    const sms = (await outbox()).sms.filter((m) => m.to === person.contacts.mobile).at(-1);
    expect(sms?.text).toContain(shown);
    await audit(page, "operator-contact-center-part-a");
    await page.click("text=Letta: nascondi");
    await page.waitForSelector("text=non più disponibile");
    expect(await page.locator('[data-testid="part-a"]').count()).toBe(0);
    expect(await page.textContent("main")).not.toContain(shown!);

    const contact = page.locator("#contact-form");
    await contact.locator('input[name="codiceFiscale"]').fill(person.codiceFiscale);
    await contact.locator('select[name="contact.kind"]').selectOption("pec");
    await contact.locator('input[name="contact.value"]').fill(`pec-${person.contacts.email}`);
    await contact.locator("button[type=submit]").click();
    await page.waitForSelector("#contact-outcome");
    expect(await page.textContent("main")).toContain("PEC:");

    // The same kind again: the problem shows beside the form.
    await contact.locator('select[name="contact.kind"]').selectOption("pec");
    await contact.locator('input[name="contact.value"]').fill(`other-${person.contacts.email}`);
    await contact.locator("button[type=submit]").click();
    await page.waitForSelector(".error-summary .alert");
    expect(await page.textContent(".error-summary")).toContain("già registrato");
  });

  it("contact center revokes for a caller without health card: answers checked, the link to the address given", async () => {
    const person = pinRequestBody();
    await issueInitialPins([person]);
    const address = `caller-${person.contacts.email}`;
    const page = await signIn("contact-center", "cc-9");
    const revoke = page.locator("#caller-revocation-form");
    await revoke.locator('input[name="codiceFiscale"]').fill(person.codiceFiscale);
    await revoke.locator('input[name="answers.birthDate"]').fill(person.birthDate);
    // The place of birth through the same picker as the other forms, here by its code.
    await revoke.locator('input[name="birthPlace"]').fill(person.birthPlaceCode.toLowerCase());
    await expect
      .poll(() => revoke.locator('[data-path="birthPlaceCode"]').textContent())
      .toContain(person.birthPlaceCode);
    await revoke
      .locator('select[name="answers.residence.countryCode"]')
      .selectOption(person.residence.countryCode);
    await revoke.locator('input[name="answers.residence.postalCode"]').fill("99999");
    await revoke.locator('input[name="email"]').fill(address);
    await revoke.locator("button[type=submit]").click();
    // A wrong answer: refused without saying which, nothing sent.
    await page.waitForSelector("#caller-revocation-form .error-summary .alert");
    expect(await page.textContent("#caller-revocation-form .error-summary")).toContain("non corrispondono");
    await audit(page, "operator-contact-center-revocation-refused");

    await revoke.locator('input[name="answers.residence.postalCode"]').fill(person.residence.postalCode);
    await revoke.locator("button[type=submit]").click();
    await page.waitForSelector("#caller-revocation-outcome");
    expect(await page.textContent("#caller-revocation-outcome")).toMatch(/link|collegamento/i);
    await audit(page, "operator-contact-center-revocation-sent");
    const mails = (await outbox()).emails.filter((m) => m.to === address);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain("/revocation/confirm?token=");
  });

  it("branch issuance: the envelope PDF opens in a new tab as a blob, the PIN never on the page", async () => {
    const person = pinRequestBody();
    await putOnRecord(person);
    const page = await signIn("branch", "branch-3");
    await audit(page, "operator-branch");
    const issue = page.locator("#issue-form");
    await fillPerson(page, person, "#issue-form");
    // An operator may type the cadastral code itself instead of the name.
    await issue.locator('input[name="birthPlace"]').fill(person.birthPlaceCode.toLowerCase());
    expect(await issue.locator('[data-path="birthPlaceCode"]').textContent()).toContain(
      person.birthPlaceCode,
    );
    await issue.locator('select[name="identityDocument.kind"]').selectOption("passport");
    await issue.locator('input[name="identityDocument.number"]').fill("YA1234567");
    await issue.locator('select[name="identityDocument.issuingCountry"]').selectOption("US");
    await issue.locator('input[name="identityDocument.expiryDate"]').fill("2034-05-01");
    await page.evaluate(`{
      const open = window.open.bind(window);
      window.__openedUrls = [];
      window.open = (url, ...rest) => (window.__openedUrls.push(String(url)), open(url, ...rest));
    }`);
    const [popup, response] = await Promise.all([
      page.waitForEvent("popup"),
      page.waitForResponse("**/v1/operator/branch-issuances"),
      issue.locator("button[type=submit]").click(),
    ]);
    // The new tab opens the link's blob of this origin. (Whether the tab shows it in a PDF viewer is the
    // browser's: the headless shell that @sparticuz/chromium ships has none and leaves the tab blank, and the
    // page's CSP rightly forbids reading the blob back, so the test holds the tab to the link's URL.)
    const [opened] = (await page.evaluate("window.__openedUrls")) as string[];
    await popup.close();
    const envelope = (await response.json()).envelope;
    expect(Buffer.from(envelope.base64, "base64").subarray(0, 5).toString()).toBe("%PDF-");
    await page.waitForSelector("#issued");
    expect(await page.textContent("main")).not.toMatch(/\b[0-9A-F]{16}\b/);
    const href = await page.getAttribute('[data-testid="envelope-link"]', "href");
    expect(href).toMatch(/^blob:http:\/\/localhost:\d+\//);
    expect(opened).toBe(href);
    await audit(page, "operator-branch-issued");

    // A delegate at the counter is refused, with the reason shown.
    await page.click("text=Nuovo rilascio");
    const again = page.locator("#issue-form");
    await fillPerson(page, pinRequestBody(), "#issue-form");
    await again.locator('input[type=radio][value="delegate"]').check({ force: true });
    await again.locator('input[name="identityDocument.number"]').fill("YA7654321");
    await again.locator('select[name="identityDocument.issuingCountry"]').selectOption("US");
    await again.locator('input[name="identityDocument.expiryDate"]').fill("2034-05-01");
    await again.locator("button[type=submit]").click();
    // The issuance form's own summary: the branch page has other forms (the day's appointments first).
    await page.waitForSelector("#issue-form .error-summary .alert");
    expect(await page.textContent("#issue-form .error-summary")).toContain("delegato");
  });

  it("auditor: a codice fiscale's events, a page at a time", async () => {
    const person = pinRequestBody();
    await activeHolders([person], "K7TQ2M9X");
    const page = await signIn("auditor", "aud-1");
    // More events than a page holds: wrong PINs, each one audited.
    for (let i = 0; i < 8; i++)
      await postJson("/v1/sessions", { codiceFiscale: person.codiceFiscale, pin: `WRONG${100 + i}` });
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.click("button[type=submit]");
    await page.waitForSelector(".events-table");
    expect(await page.locator(".events-table tbody tr").count()).toBe(10);
    await audit(page, "operator-auditor");
    await page.click('[data-testid="next-page"]');
    await page.waitForSelector("text=pagina 2");
    expect(await page.locator(".events-table tbody tr").count()).toBeGreaterThan(0);
    await page.click("text=Pagina precedente");
    await page.waitForSelector("text=pagina 1");
  });
});
