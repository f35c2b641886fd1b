/**
 * Citizen journeys in a real Chromium against the local stack: the PIN request stepper to the personal area,
 * recovery from the e-mailed link, revocation, and the phone PIN after a (local) SPID sign-in.
 */
import { describe, expect, it } from "vitest";
import { outbox, putOnRecord, runJob } from "../e2e/helpers.ts";
import { activeHolders, partBsFromBatch } from "../e2e/journeys.ts";
import { makeCitizen } from "../fixtures/citizens.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { audit, mailedLink, open, switchLanguage, useBrowser } from "./browser.ts";

const NEW_PIN = "K7TQ2M9X";
const session = useBrowser();

describe("citizen pages", () => {
  it("request as a stepper → part A by SMS → letter → first access with live PIN rules → personal area", async () => {
    // Born in a municipality: the place is found by its name, and the codice fiscale fills in the birth data.
    const base = pinRequestBody();
    const person = { ...base, ...makeCitizen({ ...base, birthPlaceCode: "H223" }) };
    await putOnRecord(person);
    const page = await session.newPage("it");
    await open(page, "/request/");
    await audit(page, "request-1-personal");

    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale.toLowerCase());
    await expect.poll(() => page.inputValue('input[name="birthPlace"]')).toBe("Reggio nell'Emilia (RE)");
    expect(await page.inputValue('input[name="birthDate"]')).toBe(person.birthDate);
    expect(await page.isChecked(`[data-path="sex"] input[value="${person.sex}"]`)).toBe(true);
    expect(await page.textContent('[data-path="birthPlaceCode"]')).toContain("H223");
    expect(await page.textContent(".prefill-note")).toContain("compilati dal codice fiscale");
    await audit(page, "request-1-prefilled");

    // The place typed by hand: a name that is no place holds the step, as does a required field left empty.
    await page.fill('input[name="birthPlace"]', "Reggio nell");
    await page.fill('input[name="givenName"]', person.givenName);
    await page.click(".steppers-btn-next");
    await expect.poll(() => page.locator('[data-path="surname"] .field-error').count()).toBe(1);
    expect(await page.textContent('[data-path="birthPlaceCode"] .field-error')).toContain("dalla lista");
    await page.fill('input[name="surname"]', person.surname);
    // The list offers the municipality by its name; picking it puts that name in the field.
    expect(await page.locator('datalist option[value="Reggio nell\'Emilia (RE)"]').count()).toBe(1);
    await page.fill('input[name="birthPlace"]', "Reggio nell'Emilia (RE)");
    expect(await page.textContent('[data-path="birthPlaceCode"]')).toContain("H223");
    await page.click(".steppers-btn-next");

    await page.waitForSelector('select[name="residence.countryCode"]');
    await audit(page, "request-2-residence");
    // A way back at every step, the data kept.
    await page.click(".steppers-btn-prev");
    expect(await page.inputValue('input[name="surname"]')).toBe(person.surname);
    await page.click(".steppers-btn-next");
    await page.selectOption('select[name="residence.countryCode"]', person.residence.countryCode);
    await page.fill('input[name="residence.addressLines.0"]', person.residence.addressLines[0]!);
    await page.fill('input[name="residence.addressLines.1"]', person.residence.addressLines[1]!);
    await page.fill('input[name="residence.city"]', person.residence.city);
    await page.fill('input[name="residence.postalCode"]', person.residence.postalCode);
    await page.fill('input[name="residence.region"]', person.residence.region);
    await page.click(".steppers-btn-next");

    await page.waitForSelector('input[name="contacts.mobile"]');
    await audit(page, "request-3-contacts");
    await page.fill('input[name="contacts.mobile"]', person.contacts.mobile);
    await page.fill('input[name="contacts.email"]', person.contacts.email);
    await page.locator('input[type=radio][value="sms"]').check({ force: true });
    await page.click(".steppers-btn-next");

    await page.waitForSelector(".summary-block");
    expect(await page.textContent("main")).toContain(person.codiceFiscale);
    expect(await page.textContent("main")).toContain("Reggio nell'Emilia (RE) (H223)");
    await audit(page, "request-4-summary");
    await page.click("text=Conferma e invia");
    await page.waitForSelector('[data-testid="request-id"]');
    expect(await page.textContent("main")).toContain("SMS");
    await audit(page, "request-5-receipt");

    const sms = (await outbox()).sms.filter((m) => m.to === person.contacts.mobile).at(-1);
    const partA = /([0-9A-F]{8})/.exec(sms?.text ?? "")?.[1];
    expect(partA).toBeDefined();
    const job = await runJob("letter-batch");
    const partB = (await partBsFromBatch(job.body.prefix, [person])).get(person.codiceFiscale);
    expect(partB).toBeDefined();

    await open(page, "/login/");
    await audit(page, "login");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.fill('input[name="pin"]', `${partA}-${partB}`);
    await page.click("button[type=submit]");
    await page.waitForSelector("#change-title");

    // Live feedback while typing: a weak PIN, then a run of the codice fiscale, then a good one.
    const state = (rule: string) => page.getAttribute(`.pin-rule:nth-child(${rule}) `, "data-state");
    await page.fill('input[name="newPin"]', "12345678");
    expect(await state("1")).toBe("ok");
    expect(await state("4")).toBe("fail");
    await page.fill('input[name="newPin"]', person.codiceFiscale.slice(3, 11));
    expect(await state("2")).toBe("fail");
    await page.fill('input[name="newPin"]', NEW_PIN.slice(0, 5));
    expect(await state("1")).toBe("fail");
    await page.fill('input[name="newPin"]', NEW_PIN);
    await page.fill('input[name="confirmPin"]', NEW_PIN);
    expect(await page.locator('.pin-rule[data-state="fail"]').count()).toBe(0);
    await audit(page, "first-access");
    await page.click("text=Imposta il PIN");
    await page.waitForSelector('input[name="pin"]');
    expect(await page.textContent("main")).toContain("PIN impostato");

    await page.fill('input[name="pin"]', NEW_PIN.toLowerCase());
    await page.click("button[type=submit]");
    await page.waitForURL("**/area/");
    await page.waitForSelector('[data-testid="codice-fiscale"]');
    expect(await page.textContent('[data-testid="codice-fiscale"]')).toBe(person.codiceFiscale);
    expect(await page.textContent('[data-testid="pin-type"]')).toContain("Ordinario");
    expect(await page.locator(".events-table tbody tr").count()).toBeGreaterThan(0);
    // Contacts are masked: the full mobile number never reaches the page.
    expect(await page.textContent("main")).not.toContain(person.contacts.mobile);
    await audit(page, "area");

    // The token lives in sessionStorage only: nothing in localStorage but the language, no cookie.
    const stored = (await page.evaluate(
      "({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) })",
    )) as { local: string[]; session: string[] };
    expect(stored.local).toEqual(["pin.lang"]);
    expect(stored.session).toContain("pin.token.citizen");
    expect(await page.context().cookies()).toEqual([]);

    // A server error lands next to its field: the wrong current PIN.
    await page.fill('input[name="currentPin"]', "WRONG123");
    await page.fill('input[name="newPin"]', "R4ZP8WQ2");
    await page.fill('input[name="confirmPin"]', "R4ZP8WQ2");
    await page.click("text=Cambia il PIN >> nth=-1");
    await page.waitForSelector(".error-summary .alert");
  });

  it("in English: countries by their English name, the pre-fill follows a corrected code, the choice survives the language", async () => {
    const person = pinRequestBody({}, 0); // born in the United States (Z404)
    const other = pinRequestBody({}, 1); // another date, sex and country
    const page = await session.newPage("en");
    await open(page, "/request/");
    await page.fill('input[name="codiceFiscale"]', other.codiceFiscale);
    await expect.poll(() => page.inputValue('input[name="birthDate"]')).toBe(other.birthDate);
    // A mistyped code corrected: the fields it filled follow it; what the person changed stays.
    await page.fill('input[name="birthDate"]', "1999-09-09");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await expect.poll(() => page.inputValue('input[name="birthPlace"]')).toBe("United States");
    expect(await page.isChecked(`[data-path="sex"] input[value="${person.sex}"]`)).toBe(true);
    expect(await page.inputValue('input[name="birthDate"]')).toBe("1999-09-09");

    await page.fill('input[name="birthPlace"]', "Switzerland");
    expect(await page.textContent('[data-path="birthPlaceCode"]')).toContain("Z133");
    await switchLanguage(page, "it");
    await expect.poll(() => page.inputValue('input[name="birthPlace"]')).toBe("Svizzera");
    expect(await page.textContent('[data-path="birthPlaceCode"]')).toContain("Z133");
  });

  it("recovery: the form, the e-mailed link opens the confirmation page, confirming sends a new PIN", async () => {
    const person = pinRequestBody();
    await activeHolders([person], NEW_PIN);
    const page = await session.newPage("en");
    await open(page, "/recovery/");
    await audit(page, "recovery");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.fill('input[name="mobile"]', person.contacts.mobile);
    await page.fill('input[name="email"]', person.contacts.email);
    await page.click("button[type=submit]");
    await page.waitForSelector("#done");

    const link = await mailedLink(person.contacts.email, "/recovery/confirm");
    const halves = async () =>
      (await outbox()).sms.filter((m) => m.to === person.contacts.mobile && /\b[0-9A-F]{8}\b/.test(m.text))
        .length;
    const before = await halves();
    await page.goto(link);
    await page.waitForSelector("#app[data-ready] h1");
    // The one-time token leaves the address bar at once.
    expect(page.url()).not.toContain("token=");
    await audit(page, "recovery-confirm");
    await page.click("button[type=submit]");
    await page.waitForSelector("#done");
    expect(await page.textContent("main")).toMatch(/first half by SMS/);
    expect(await halves()).toBe(before + 1);
  });

  it("revocation: health card and an address, then the mailed confirmation link revokes the PIN", async () => {
    const person = pinRequestBody({
      healthCard: { number: "80380001234567890123", expiryDate: "2031-12-31" },
    });
    await activeHolders([person], NEW_PIN);
    const address = `new-${person.contacts.email}`;
    const page = await session.newPage("it");
    await open(page, "/revocation/");
    await audit(page, "revocation");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.fill('input[name="healthCard.number"]', "80380001234567890123");
    await page.fill('input[name="healthCard.expiryDate"]', "2031-12-31");
    await page.fill('input[name="email"]', address);
    await page.click("button[type=submit]");
    await page.waitForSelector("#done");

    await page.goto(await mailedLink(address, "/revocation/confirm"));
    await page.waitForSelector("#app[data-ready] h1");
    await audit(page, "revocation-confirm");
    await page.click("button[type=submit]");
    await page.waitForSelector("#done");
    expect(await page.getAttribute("a.btn-primary", "href")).toBe("/request/");

    // The revoked PIN no longer opens a session.
    await open(page, "/login/");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.fill('input[name="pin"]', NEW_PIN);
    await page.click("button[type=submit]");
    await page.waitForSelector(".error-summary .alert");
    expect(await page.textContent(".error-summary")).toContain("non corretti");
  });

  it("phone PIN after a SPID / CIE sign-in on the local issuer's page, checked by the contact center", async () => {
    const person = pinRequestBody();
    await activeHolders([person], NEW_PIN);
    const page = await session.newPage("it");
    await open(page, "/phone-pin/");
    await audit(page, "phone-pin-signed-out");
    await page.click("text=Entra con SPID, CIE o CNS");
    await page.waitForURL("**/identity/sign-in/**");
    await page.waitForSelector("#app[data-ready] h1");
    await audit(page, "identity-sign-in");
    await page.locator('input[type=radio][value="cie"]').check({ force: true });
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.click("button[type=submit]");
    await page.waitForURL("**/phone-pin/");
    await page.waitForSelector("text=CIE");
    await page.locator('input[type=radio][value="1d"]').check({ force: true });
    await page.click("button[type=submit]");
    await page.waitForSelector('[data-testid="phone-pin"]');
    const phonePin = (await page.textContent('[data-testid="phone-pin"]'))?.trim() ?? "";
    expect(phonePin).toMatch(/^\d{8}$/);
    await audit(page, "phone-pin");

    const operator = await session.newPage("it");
    await open(operator, "/operator/");
    await operator.selectOption('select[name="role"]', "contact-center");
    await operator.fill('input[name="operatorId"]', "cc-browser");
    await operator.click("button[type=submit]");
    await operator.waitForURL("**/operator/contact-center/");
    await operator.waitForSelector("#app[data-ready] h1");
    const verify = operator.locator("#verify-form");
    await verify.locator('input[name="codiceFiscale"]').fill(person.codiceFiscale);
    await verify.locator('input[name="phonePin"]').fill(phonePin);
    await verify.locator("button[type=submit]").click();
    await operator.waitForSelector('[data-testid="verdict"]');
    expect(await operator.textContent('[data-testid="verdict"]')).toContain("valido");
  });
});
