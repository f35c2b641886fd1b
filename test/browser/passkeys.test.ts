/**
 * F19 in a real Chromium with its virtual authenticator (DevTools protocol `WebAuthn`, a platform authenticator
 * with resident keys and user verification): log in with the PIN, add a passkey in the personal area, log out,
 * log in with the passkey; the pages hold to WCAG 2.1 AA in both languages.
 */
import { describe, expect, it } from "vitest";
import { activeHolders } from "../e2e/journeys.ts";
import { pinRequestBody } from "../fixtures/requests.ts";
import { audit, open, useBrowser } from "./browser.ts";

const PIN = "K7PQ2M9X";
const session = useBrowser();

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  signCount: number;
}

describe("passkeys in the browser (F19)", () => {
  it("PIN login → add a passkey → log out → log in with the passkey", async () => {
    const person = pinRequestBody();
    await activeHolders([person], PIN);
    const page = await session.newPage("it");
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    await open(page, "/login/");
    // Conditional UI: the codice fiscale field lets the browser offer passkeys among its suggestions.
    expect(await page.getAttribute('input[name="codiceFiscale"]', "autocomplete")).toBe("username webauthn");
    await page.fill('input[name="codiceFiscale"]', person.codiceFiscale);
    await page.fill('input[name="pin"]', PIN);
    await page.click("form button[type=submit]");
    await page.waitForURL("**/area/");
    await page.waitForSelector("text=Non hai ancora nessuna passkey.");

    await page.fill('input[name="name"]', "Chromium");
    await page.click("text=Aggiungi una passkey");
    await page.waitForSelector('[data-testid="passkey-name"]:text("Chromium")');
    await audit(page, "area-passkeys");
    const { credentials } = (await cdp.send("WebAuthn.getCredentials", { authenticatorId })) as {
      credentials: VirtualCredential[];
    };
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: "localhost" });

    // The button: with the authenticator waiting for a touch, the login page (and its conditional request) is
    // checked first; then the touch, and the button's ceremony logs in.
    await page.click("text=Esci");
    await page.waitForURL((url) => url.pathname === "/");
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: false });
    await open(page, "/login/");
    await audit(page, "login-passkey");
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: true });
    await page.click('[data-testid="passkey-login"]');
    await page.waitForURL("**/area/");
    await page.waitForSelector('[data-testid="codice-fiscale"]');
    expect(await page.textContent('[data-testid="codice-fiscale"]')).toBe(person.codiceFiscale);
    // The passkey's use is recorded: its last use is no longer "never".
    await page.waitForSelector('[data-testid="passkey"]');
    expect(await page.textContent('[data-testid="passkey"]')).not.toContain("mai");

    // Conditional UI: on the login page the browser offers the passkey by itself (the virtual authenticator
    // picks it), and the holder is in without touching a button.
    await page.click("text=Esci");
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto("/login/");
    await page.waitForURL("**/area/");
    expect(await page.textContent('[data-testid="codice-fiscale"]')).toBe(person.codiceFiscale);
  });
});
