/**
 * F14 in the browser: a holder delegates one trusted person, who acts on the holder's behalf in a delegated
 * session; the holder revokes, and the delegate can no longer act.
 */
import { describe, expect, it } from "vitest";
import { activeHolders } from "../e2e/journeys.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { audit, open, useBrowser } from "./browser.ts";

const PIN = "K7TQ2M9X";
const session = useBrowser();

async function login(codiceFiscale: string) {
  const page = await session.newPage("it");
  await open(page, "/login/");
  await page.fill('input[name="codiceFiscale"]', codiceFiscale);
  await page.fill('input[name="pin"]', PIN);
  await page.click("button[type=submit]");
  await page.waitForURL("**/area/");
  return page;
}

describe("delegations", () => {
  it("a holder delegates, the delegate acts on their behalf, the delegator revokes", async () => {
    const [delegator, delegate] = [pinRequestBody(), pinRequestBody()];
    await activeHolders([delegator, delegate], PIN);

    const giver = await login(delegator.codiceFiscale);
    await open(giver, "/area/delegations/");
    await audit(giver, "delegations");
    await giver.fill('input[name="delegate.codiceFiscale"]', delegate.codiceFiscale);
    await giver.fill('input[name="delegate.surname"]', delegate.surname);
    await giver.fill('input[name="delegate.givenName"]', delegate.givenName);
    await giver.getByRole("button", { name: "Conferisci la delega" }).click();
    await giver.waitForSelector("#notice");

    const taker = await login(delegate.codiceFiscale);
    await open(taker, "/area/delegations/");
    await taker.getByRole("button", { name: "Opera per suo conto" }).click();
    await taker.waitForURL("**/area/");
    await taker.waitForSelector('[data-testid="codice-fiscale"]');
    expect(await taker.textContent('[data-testid="codice-fiscale"]')).toBe(delegator.codiceFiscale);
    expect(await taker.textContent("main")).toContain("per conto di");
    await audit(taker, "area-acting");

    await open(giver, "/area/delegations/");
    await giver.getByRole("button", { name: "Revoca", exact: true }).click();
    await giver.waitForSelector("#notice");
    expect(await giver.textContent("#notice")).toContain("Delega revocata");
    expect(await giver.textContent("main")).toContain("Non hai delegato nessuno.");

    // The delegate no longer has anyone to act for.
    await open(taker, "/area/delegations/");
    expect(await taker.textContent("main")).toContain("Nessuno ti ha delegato.");
  });
});
