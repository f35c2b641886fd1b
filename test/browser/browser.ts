/**
 * What the browser journeys share: one Chromium per test file, pages on the service's web origin that record
 * CSP violations and script errors, axe-core (WCAG 2.1 A and AA) on a page in both languages, and a
 * screenshot of each page and language under test-results/screens/ (git-ignored).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { outbox } from "../e2e/helpers.ts";
import { launchChromium } from "./chromium.ts";

export const screensDir = join(process.cwd(), "test-results", "screens");
export const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export interface Session {
  browser(): Browser;
  /** A new tab in a fresh context (own sessionStorage); its console errors are collected. */
  newPage(lang?: "it" | "en"): Promise<Page>;
}

const problems = new WeakMap<Page, string[]>();
const expected = new WeakMap<Page, RegExp[]>();

/**
 * Chromium logs every HTTP error answer as a console error, "Failed to load resource: the server responded
 * with a status of 4xx". The one kind let through: a 4xx from the API (`/v1/…`), a problem+json the page
 * reads and shows (a wrong PIN, a refused request); the journeys check what is shown. Any other console
 * error fails the test: a 4xx of a page or an asset, any 5xx, a CSP violation, a script's error.
 */
function isHandledApiRefusal(text: string, url: string): boolean {
  return (
    /^Failed to load resource: the server responded with a status of 4\d\d\b/.test(text) &&
    new URL(url, "http://x").pathname.startsWith("/v1/")
  );
}

/** Declares a console error the test provokes on purpose (e.g. the 404 page's own status). */
export function expectConsoleError(page: Page, pattern: RegExp): void {
  expected.get(page)?.push(pattern);
}

/** Launches Chromium for the file and closes it afterwards. */
export function useBrowser(): Session {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let opened: Page[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });
  // Every test, whatever it checks, fails on a script error or an unexpected console error of any page it opened.
  afterEach(() => {
    const pages = opened;
    opened = [];
    for (const page of pages) expect(pageProblems(page), `console errors of ${page.url()}`).toEqual([]);
  });
  return {
    browser: () => browser!,
    async newPage(lang = "it") {
      const context = await browser!.newContext({
        baseURL: inject("webOrigin"),
        locale: lang === "it" ? "it-IT" : "en-GB",
        viewport: { width: 1280, height: 900 },
      });
      contexts.push(context);
      context.setDefaultTimeout(20_000);
      context.setDefaultNavigationTimeout(30_000);
      const page = await context.newPage();
      const seen: string[] = [];
      const allowed: RegExp[] = [];
      problems.set(page, seen);
      expected.set(page, allowed);
      opened.push(page);
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        const text = message.text();
        const url = message.location().url;
        if (isHandledApiRefusal(text, url) || allowed.some((pattern) => pattern.test(`${text} ${url}`)))
          return;
        seen.push(`${text} (${url})`);
      });
      page.on("pageerror", (error) => seen.push(`uncaught: ${String(error)}`));
      return page;
    },
  };
}

/** Opens a path and waits until the page's module has drawn it. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForSelector("#app[data-ready] h1");
}

/** Console errors (CSP violations among them) and uncaught script errors the page had so far. */
export function pageProblems(page: Page): string[] {
  return problems.get(page) ?? [];
}

export async function switchLanguage(page: Page, lang: "it" | "en"): Promise<void> {
  await page.click(`.lang-switch [data-lang="${lang}"]`);
  await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(lang)}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core injected into the page and run there (through the DevTools protocol, which the page's CSP does not
 * govern): a fraction of a second per run, where a fresh helper page per run would cost seconds.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags) => {
    const page = globalThis as unknown as {
      axe: { run(...args: unknown[]): Promise<{ violations: unknown[] }> };
      document: unknown;
    };
    const results = await page.axe.run(page.document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return results.violations;
  }, wcagTags);
  return (violations as AxeViolation[]).map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

/**
 * Checks the page as it is now in Italian and in English: axe-core finds no WCAG 2.1 A/AA violation, the
 * skeleton holds (one h1, skiplinks, breadcrumb unless home, language switch, footer links), and a screenshot
 * of each language is saved. Leaves the page in the language it started in.
 */
export async function audit(page: Page, name: string): Promise<void> {
  mkdirSync(screensDir, { recursive: true });
  const start = (await page.evaluate("document.documentElement.lang")) as "it" | "en";
  for (const lang of start === "it" ? (["it", "en"] as const) : (["en", "it"] as const)) {
    if (lang !== start) await switchLanguage(page, lang);
    expect(await page.locator("h1").count(), `${name} ${lang}: one h1`).toBe(1);
    expect(await page.locator(".skiplinks a[href='#main']").count()).toBe(1);
    expect(await page.locator("footer a[href='/privacy/']").count()).toBe(1);
    expect(await page.locator("footer a[href='/accessibility/']").count()).toBe(1);
    expect(await page.locator(".lang-switch a").count()).toBe(2);
    expect(await axeViolations(page), `${name} (${lang})`).toEqual([]);
    await page.screenshot({ path: join(screensDir, `${name}-${lang}.png`), fullPage: true });
  }
  if (start !== (await page.evaluate("document.documentElement.lang"))) await switchLanguage(page, start);
  expect(pageProblems(page), `${name}: console errors`).toEqual([]);
}

/** The last link to a page of ours (`/recovery/confirm`) the service mailed to `to`, once it has arrived. */
export async function mailedLink(to: string, path: string): Promise<string> {
  const mails = async () => (await outbox()).emails.filter((m) => m.to === to && m.text.includes(path));
  await expect.poll(async () => (await mails()).length).toBeGreaterThan(0);
  const link = new RegExp(`https?://[^\\s]+${path.replace(/\//g, "\\/")}\\?token=[A-Za-z0-9_%.-]+`).exec(
    (await mails()).at(-1)?.text ?? "",
  )?.[0];
  if (!link) throw new Error(`no ${path} link mailed to ${to}`);
  return link;
}
