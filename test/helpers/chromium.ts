/**
 * Real headless Chromium for the hosted pages' tests: Debian's `chromium` driven by playwright-core (never a
 * downloaded browser). One browser per test file (`launchChromium` in beforeAll), a fresh context — its own
 * cookies, language and JavaScript switch — per test. `expectAccessible` runs axe-core on the page and fails on
 * serious or critical violations; `screenshots` writes the page at 390 and 1280 px wide into
 * test-results/screenshots/ (git-ignored) for a person to look at.
 *
 * Without /usr/bin/chromium the browser tests skip visibly (`describeBrowser` / CHROMIUM_MISSING).
 */

import { describe, expect, setDefaultTimeout } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
/** Why browser tests did not run, or undefined when they can. */
export const CHROMIUM_MISSING = HAS_CHROMIUM
  ? undefined
  : `${CHROMIUM_PATH} is missing (apt-get install -y chromium): browser tests skipped`;

/**
 * A browser test walks several pages and runs axe (about a second a page): 30 s each, instead of bun's 5 s.
 * A flow that hangs still fails, well before a file's budget.
 */
export const BROWSER_TEST_TIMEOUT_MS = 30_000;

/** `describe` that skips, saying why, without Chromium. */
export function describeBrowser(name: string, body: () => void): void {
  setDefaultTimeout(BROWSER_TEST_TIMEOUT_MS);
  if (CHROMIUM_MISSING) {
    console.warn(`[skip] ${name}: ${CHROMIUM_MISSING}`);
    describe.skip(`${name} (${CHROMIUM_MISSING})`, body);
    return;
  }
  describe(name, body);
}

// As root and with no network on this machine: no sandbox, no GPU, and nothing that phones home.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}

export interface ContextOptions {
  readonly baseURL: string;
  /** Accept-Language and navigator.language (the browser's language). */
  readonly locale?: string;
  readonly javaScriptEnabled?: boolean;
}

export function newContext(browser: Browser, options: ContextOptions): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: options.baseURL,
    locale: options.locale ?? "en-US",
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1280, height: 900 },
  });
}

/** axe-core on the current page: no serious or critical violation (WCAG 2.1 A and AA rules and best practice). */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const grave = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${v.id} (${v.impact}) on ${page.url()}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  expect(grave).toEqual([]);
}

export const SCREENSHOT_DIR = join(import.meta.dir, "..", "..", "test-results", "screenshots");
export const SCREEN_WIDTHS = [390, 1280] as const;

/** Writes `<name>-390.png` and `<name>-1280.png` of the current page (full height) and restores the viewport. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  for (const width of SCREEN_WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const path = join(SCREENSHOT_DIR, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    files.push(path);
  }
  if (before) await page.setViewportSize(before);
  return files;
}
