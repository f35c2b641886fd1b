/**
 * Branch appointments (F18) in a real Chromium against the local stack: the booking stepper in Italian and in
 * English to its receipt and the .ics download, a place taken meanwhile (409 slot-full) leading back to the
 * refreshed times, the cancel link from the confirmation e-mail (once), and the branch console's day list with
 * check-in. axe-clean on every step in both languages.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { api, operatorToken, outbox, postJson } from "../e2e/helpers.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { audit, mailedLink, open, useBrowser } from "./browser.ts";

const session = useBrowser();
const BRANCH = "roma-eur";

type Person = ReturnType<typeof pinRequestBody>;

/** The free slots of the branch for a service, as the API answers them (from tomorrow, 30 days). */
async function freeSlots(service: string): Promise<Array<{ start: string; end: string; free: number }>> {
  const reply = await api(`/v1/branches/${BRANCH}/slots?days=30&service=${service}`);
  expect(reply.status).toBe(200);
  return reply.body.items.filter((s: { free: number }) => s.free > 0);
}

function booking(person: Person, start: string, service = "pin-issuance") {
  return {
    branchId: BRANCH,
    start,
    service,
    person: { codiceFiscale: person.codiceFiscale, surname: person.surname, givenName: person.givenName },
    contact: { email: person.contacts.email },
  };
}

/** Steps 1-3: service and branch, the first day offered, the slot at `index` of that day; returns its start. */
async function chooseSlot(page: Page, service: string, name: string, index = 0): Promise<string> {
  await page.locator(`[data-path="service"] input[value="${service}"]`).check({ force: true });
  await page.selectOption('select[name="branchId"]', BRANCH);
  await page.click(".steppers-btn-next");
  await page.waitForSelector('select[name="day"]');
  const day = await page
    .locator('select[name="day"] option[value]:not([value=""])')
    .first()
    .getAttribute("value");
  await page.selectOption('select[name="day"]', day!);
  await audit(page, `${name}-2-day`);
  await page.click(".steppers-btn-next");
  await page.waitForSelector('[data-path="start"] input[type=radio]');
  const radio = page.locator('[data-path="start"] input[type=radio]').nth(index);
  const start = (await radio.getAttribute("value"))!;
  expect(start.slice(0, 10)).toBe(day);
  await radio.check({ force: true });
  await audit(page, `${name}-3-slot`);
  await page.click(".steppers-btn-next");
  return start;
}

async function fillPerson(page: Page, person: Person, contact: "email" | "mobile"): Promise<void> {
  await page.fill('input[name="person.codiceFiscale"]', person.codiceFiscale.toLowerCase());
  await page.fill('input[name="person.surname"]', person.surname);
  await page.fill('input[name="person.givenName"]', person.givenName);
  await page.locator(`[data-path="contactKind"] input[value="${contact}"]`).check({ force: true });
  await page.fill(`input[name="contact.${contact}"]`, person.contacts[contact]);
}

describe("branch appointments", () => {
  it("books through the stepper in Italian, downloads the .ics, cancels once from the mailed link", async () => {
    const person = pinRequestBody();
    const page = await session.newPage("it");
    await open(page, "/");
    await page.click('a[href="/appointments/"]');
    await page.waitForSelector("#app[data-ready] .steppers");
    await audit(page, "appointments-1-where");
    // A required choice left empty holds the step.
    await page.click(".steppers-btn-next");
    expect(await page.locator('[data-path="service"] .field-error').count()).toBe(1);

    const start = await chooseSlot(page, "pin-issuance", "appointments-it");
    await page.waitForSelector('input[name="person.codiceFiscale"]');
    await fillPerson(page, person, "email");
    await audit(page, "appointments-it-4-person");
    await page.click(".steppers-btn-next");
    await page.waitForSelector(".summary-block");
    const summary = await page.textContent("main");
    expect(summary).toContain(person.codiceFiscale);
    expect(summary).toContain(start.slice(11, 16));
    await audit(page, "appointments-it-5-summary");
    await page.click("text=Conferma e invia");
    await page.waitForSelector('[data-testid="reference"]');
    const reference = (await page.textContent('[data-testid="reference"]'))!.trim();
    expect(reference.length).toBeGreaterThan(3);
    await audit(page, "appointments-it-6-receipt");

    // The calendar file: the branch's wall-clock time under its TZID, the reference, the place.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="ics"]')]);
    expect(download.suggestedFilename()).toBe(`appuntamento-${reference}.ics`);
    const ics = (await readFile((await download.path())!, "utf8")).replace(/\r\n /g, "");
    const wallClock = start.slice(0, 16).replace(/[-:]/g, "");
    expect(ics).toContain(`DTSTART;TZID=Europe/Rome:${wallClock}00`);
    expect(ics).toContain("BEGIN:VTIMEZONE");
    expect(ics).toContain(reference);
    expect(ics).toMatch(/LOCATION:.*Roma/);

    // The confirmation's cancel link: confirm, cancelled; the same link again is plainly dead.
    const link = await mailedLink(person.contacts.email, "/appointments/cancel");
    await page.goto(link);
    await page.waitForSelector("#app[data-ready] h1");
    expect(page.url()).not.toContain("token=");
    await audit(page, "appointments-cancel");
    await page.click("button[type=submit]");
    await page.waitForSelector("#done");
    await audit(page, "appointments-cancelled");
    await page.goto(link);
    await page.waitForSelector("#app[data-ready] h1");
    await page.click("button[type=submit]");
    await page.waitForSelector("#invalid-link");
    expect(await page.getAttribute("main a.btn-primary", "href")).toBe("/appointments/");
    // The place was freed: the slot is bookable again (by the same person, as no appointment is left).
    expect((await postJson("/v1/appointments", booking(person, start))).status).toBe(201);
  });

  it("in English: a slot taken meanwhile leads back to the refreshed times; a second booking is refused", async () => {
    const person = pinRequestBody();
    const page = await session.newPage("en");
    await open(page, "/appointments/?service=pin-conversion");
    // The service asked for by the link is chosen already.
    expect(await page.isChecked('[data-path="service"] input[value="pin-conversion"]')).toBe(true);
    const start = await chooseSlot(page, "pin-conversion", "appointments-en", 1);
    await fillPerson(page, person, "mobile");
    await page.click(".steppers-btn-next");
    await page.waitForSelector(".summary-block");

    // Meanwhile others fill the slot to its last desk.
    const free = (await freeSlots("pin-conversion")).find((s) => s.start === start)?.free ?? 0;
    expect(free).toBeGreaterThan(0);
    for (let i = 0; i < free; i++)
      expect(
        (await postJson("/v1/appointments", booking(pinRequestBody(), start, "pin-conversion"))).status,
      ).toBe(201);

    await page.click("text=Confirm and send");
    await page.waitForSelector(".error-summary .alert");
    expect(await page.textContent(".error-summary")).toContain("just been taken");
    expect(await page.textContent("#step-title")).toContain("Time");
    expect(await page.locator(`[data-path="start"] input[value="${start}"]`).count()).toBe(0);
    await audit(page, "appointments-en-slot-full");

    // Another time, then booked; the same person and service again is refused on the summary.
    await page.locator('[data-path="start"] input[type=radio]').first().check({ force: true });
    await page.click(".steppers-btn-next");
    await page.click(".steppers-btn-next");
    await page.click("text=Confirm and send");
    await page.waitForSelector('[data-testid="reference"]');
    expect(await page.textContent("main")).toContain("Conversion of the PIN to dispositivo");
    // The confirmation travels through the outbox and the notifier: it arrives, by SMS as chosen.
    await expect
      .poll(async () => (await outbox()).sms.filter((m) => m.to === person.contacts.mobile).length)
      .toBeGreaterThan(0);

    await page.click("text=Book another appointment");
    await page.waitForSelector("#app[data-ready] .steppers");
    await chooseSlot(page, "pin-conversion", "appointments-en-again", 2);
    await fillPerson(page, person, "mobile");
    await page.click(".steppers-btn-next");
    await page.click("text=Confirm and send");
    await page.waitForSelector(".error-summary .alert");
    expect(await page.textContent(".error-summary")).toContain("already have an appointment");
  });

  it("the branch console lists the day in start order and records arrivals once", async () => {
    const [early, late, other] = [pinRequestBody(), pinRequestBody(), pinRequestBody()];
    // Two people in one slot with room for both, a third later that day (other journeys book here too).
    const slots = await freeSlots("delegation");
    const pair = slots.find((s) => s.free >= 2)!;
    const day = pair.start.slice(0, 10);
    const later = slots.filter((s) => s.start.startsWith(day) && s.start > pair.start).at(-1)!;
    // Booked late first, so the list's order is the slots', not the bookings'.
    for (const [person, slot] of [
      [late, later],
      [early, pair],
      [other, pair],
    ] as const)
      expect((await postJson("/v1/appointments", booking(person, slot.start, "delegation"))).status).toBe(
        201,
      );

    const page = await session.newPage("it");
    await open(page, "/operator/");
    await page.selectOption('select[name="role"]', "branch");
    await page.fill('input[name="operatorId"]', "branch-7");
    await page.click("button[type=submit]");
    await page.waitForURL("**/operator/branch/");
    const list = page.locator("#appointments-day");
    await list.locator('select[name="branchId"]').selectOption(BRANCH);
    await list.locator('input[name="date"]').fill(day);
    await list.locator("button[type=submit]").click();
    await page.waitForSelector(`.appointments-table tr:has-text("${late.codiceFiscale}")`);
    const rows = await list.locator(".appointments-table tbody tr").allTextContents();
    const at = (person: Person) => rows.findIndex((r) => r.includes(person.codiceFiscale));
    expect(at(early)).toBeGreaterThanOrEqual(0);
    expect(at(early)).toBeLessThan(at(late));
    expect(rows[at(late)]).toContain(`${late.surname} ${late.givenName}`);
    expect(rows[at(late)]).toContain("Delega in persona");
    await audit(page, "operator-branch-appointments");

    const row = (person: Person) => list.locator(`tr:has-text("${person.codiceFiscale}")`);
    await row(early).locator("button").click();
    await row(early).locator("text=Arrivato alle").waitFor();

    // Another desk records `other` first: this desk's click shows the refusal, not a second arrival.
    const id = await row(other).getAttribute("data-id");
    const token = await operatorToken("branch", "branch-8");
    const first = await api(`/v1/operator/appointments/${id}/check-in`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(first.status).toBe(200);
    await row(other).locator("button").click();
    await page.waitForSelector("#appointments-day .error-summary .alert");
    expect(await page.textContent("#appointments-day .error-summary")).toContain("già registrato");
    await audit(page, "operator-branch-appointments-checked-in");
  });

  it("the contact center books for a caller; the confirmation goes to the caller's address", async () => {
    const person = pinRequestBody();
    const page = await session.newPage("en");
    await open(page, "/operator/");
    await page.selectOption('select[name="role"]', "contact-center");
    await page.fill('input[name="operatorId"]', "cc-9");
    await page.click("button[type=submit]");
    await page.waitForURL("**/operator/contact-center/");
    const form = page.locator("#appointment-form");
    await form.waitFor();
    await form.locator('select[name="service"]').selectOption("pin-issuance");
    await form.locator('select[name="branchId"]').selectOption(BRANCH);
    // The days follow the branch and service chosen, the times the day.
    const firstDay = form.locator('select[name="day"] option:not([value=""])').first();
    await firstDay.waitFor({ state: "attached" });
    await form.locator('select[name="day"]').selectOption((await firstDay.getAttribute("value"))!);
    const firstTime = form.locator('select[name="start"] option:not([value=""])').first();
    await firstTime.waitFor({ state: "attached" });
    const start = (await firstTime.getAttribute("value"))!;
    await form.locator('select[name="start"]').selectOption(start);
    await form.locator('input[name="person.codiceFiscale"]').fill(person.codiceFiscale);
    await form.locator('input[name="person.surname"]').fill(person.surname);
    await form.locator('input[name="person.givenName"]').fill(person.givenName);
    await form.locator('input[name="contact.email"]').fill(person.contacts.email);
    await audit(page, "operator-contact-center-appointment");
    await form.locator("button[type=submit]").click();
    await page.waitForSelector('[data-testid="appointment-booked"]');
    expect(await page.textContent('[data-testid="appointment-booked"]')).toContain(start.slice(11, 16));
    await audit(page, "operator-contact-center-appointment-booked");
    expect(await mailedLink(person.contacts.email, "/appointments/cancel")).toContain("token=");
  });
});
