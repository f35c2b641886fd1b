/**
 * Every page not walked through by a journey, in both languages (axe-core, skeleton, screenshots), and how the
 * gateway serves the client: security headers, content types, the 404 page, the API left as it was.
 */
import { describe, expect, it } from "vitest";
import { api } from "../e2e/helpers.ts";
import { audit, expectConsoleError, open, pageProblems, useBrowser } from "./browser.ts";

const session = useBrowser();

describe("pages", () => {
  it.each([
    ["home", "/"],
    ["privacy", "/privacy/"],
    ["accessibility", "/accessibility/"],
  ])("%s passes axe in Italian and English", async (name, path) => {
    const page = await session.newPage("it");
    await open(page, path);
    await audit(page, name);
  });

  it("an unknown path gets the 404 page with status 404, in both languages", async () => {
    const page = await session.newPage("en");
    // The page's own 404 status, which Chromium logs: what this test asks for.
    expectConsoleError(page, /status of 404 .*\/no\/such\/page$/);
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await page.waitForSelector("#app[data-ready] h1");
    expect(await page.textContent("h1")).toBe("Page not found");
    await audit(page, "not-found");
  });

  it("the language choice follows the reader from page to page", async () => {
    const page = await session.newPage("it");
    await open(page, "/");
    await page.click('.lang-switch [data-lang="en"]');
    await page.click('a[href="/recovery/"]');
    await page.waitForSelector("#app[data-ready] h1");
    expect(await page.textContent("h1")).toBe("Recover your PIN");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(pageProblems(page)).toEqual([]);
  });

  it.each([
    ["/area/", "**/login/?next=%2Farea%2F"],
    ["/area/applications/", "**/login/?next=%2Farea%2Fapplications%2F"],
    ["/operator/branch/", "**/operator/"],
  ])("%s without a session leads to sign-in, with no error on the way", async (path, signIn) => {
    const page = await session.newPage("it");
    await open(page, "/");
    const before = await page.evaluate("history.length");
    await page.goto(path);
    await page.waitForURL(signIn);
    await page.waitForSelector("#app[data-ready] h1");
    // The guarded page was replaced, not added to: Back leads home, not to a page that sends one away again.
    expect(await page.evaluate("history.length")).toBe(Number(before) + 1);
  });

  it("serves pages and assets with a strict CSP and the right content types; the API is unchanged", async () => {
    const home = await api("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = home.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(home.headers.get("x-content-type-options")).toBe("nosniff");
    expect(home.headers.get("referrer-policy")).toBe("no-referrer");
    // No inline script anywhere: the page only loads its module and Bootstrap Italia.
    expect(home.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    for (const [path, type] of [
      ["/recovery/confirm?token=abc", "text/html; charset=utf-8"],
      ["/operator/", "text/html; charset=utf-8"],
      ["/assets/bootstrap-italia/css/bootstrap-italia.min.css", "text/css; charset=utf-8"],
      ["/assets/bootstrap-italia/svg/sprites.svg", "image/svg+xml"],
      ["/assets/js/home.js", "text/javascript; charset=utf-8"],
      ["/assets/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2", "font/woff2"],
      ["/config.json", "application/json; charset=utf-8"],
    ]) {
      const reply = await api(path!);
      expect([path, reply.status, reply.headers.get("content-type")]).toEqual([path, 200, type]);
    }
    expect((await api("/config.json")).body).toEqual({ auth: "local", identity: "local" });
    expect((await api("/assets/../../package.json")).status).toBe(404);
    expect((await api("/", { method: "POST" })).status).toBe(405);

    const health = await api("/v1/health");
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    const missing = await api("/v1/no-such-route");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    expect((await api("/.well-known/jwks.json")).body.keys.length).toBeGreaterThan(0);
    expect((await api("/_local/outbox")).status).toBe(200);
  });
});
