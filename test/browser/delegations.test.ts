/**
 * AWAITS F14: the delegation routes (`/v1/delegations`, `/v1/delegations/{id}/sessions`,
 * `/v1/operator/delegations`) do not exist yet. The pages are built against SPEC §5a (web/src/pages/
 * delegations.ts, the branch's delegation section); this journey is kept out of the run until the routes land:
 * then drop `.skip`.
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

describe.skip("delegations (awaits the F14 routes)", () => {
  it("a holder delegates, the delegate acts on their behalf, the delegator revokes", async () => {
    const [delegator, delegate] = [pinRequestBody(), pinRequestBody()];
    await activeHolders([delegator, delegate], PIN);

    const giver = await login(delegator.codiceFiscale);
    await open(giver, "/area/delegations/");
    await audit(giver, "delegations");
    await giver.fill('input[name="delegate.codiceFiscale"]', delegate.codiceFiscale);
    await giver.fill('input[name="delegate.surname"]', delegate.surname);
    await giver.fill('input[name="delegate.givenName"]', delegate.givenName);
    await giver.click("text=Conferisci la delega");
    await giver.waitForSelector("#notice");

    const taker = await login(delegate.codiceFiscale);
    await open(taker, "/area/delegations/");
    await taker.click("text=Opera per suo conto");
    await taker.waitForURL("**/area/");
    await taker.waitForSelector('[data-testid="codice-fiscale"]');
    expect(await taker.textContent('[data-testid="codice-fiscale"]')).toBe(delegator.codiceFiscale);
    expect(await taker.textContent("main")).toContain("per conto di");
    await audit(taker, "area-acting");

    await open(giver, "/area/delegations/");
    await giver.click("text=Revoca");
    await giver.waitForSelector("#notice");
  });
});
