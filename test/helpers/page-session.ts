/**
 * The set-up every browser test file of the hosted pages shares: a listening test app, one Chromium for the
 * file, a fresh context (cookies, language, JavaScript switch) per `open()`, all closed after the file.
 * `visit` opens a page, checks it with axe and writes its screenshots.
 */
import { afterAll, beforeAll } from "bun:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import {
  BROWSER_TEST_TIMEOUT_MS,
  expectAccessible,
  HAS_CHROMIUM,
  launchChromium,
  newContext,
  screenshots,
} from "./chromium.ts";
import { createTestApp, type TestApp, type TestAppOptions } from "./test-app.ts";

export interface PageSession {
  readonly t: TestApp;
  /** A new browser context and page (JavaScript on unless told, English unless a locale is given). */
  open(options?: { locale?: string; javaScriptEnabled?: boolean }): Promise<Page>;
  /** axe (no serious or critical violation) and screenshots at 390 and 1280 px of the current page. */
  check(page: Page, name: string): Promise<void>;
}

export function pageSession(options: TestAppOptions = {}): PageSession {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    app = await createTestApp(options);
    await app.listen();
    if (HAS_CHROMIUM) browser = await launchChromium();
    // A fresh PostgreSQL schema and a browser start take seconds on a busy machine: more than bun's 5 s hooks.
  }, BROWSER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await app?.close();
  }, BROWSER_TEST_TIMEOUT_MS);
  return {
    get t() {
      if (!app) throw new Error("the test app is not started yet (use it inside a test)");
      return app;
    },
    async open(opts = {}) {
      if (!browser || !app) throw new Error("no browser");
      const context = await newContext(browser, { baseURL: app.baseUrl, ...opts });
      contexts.push(context);
      return context.newPage();
    },
    async check(page, name) {
      await expectAccessible(page);
      await screenshots(page, name);
    },
  };
}

/**
 * Clicks a form's button and waits for the document it leads to: every page form answers with a new page or a
 * redirect to one, so waiting for its load event (not for a URL, which may not change) is what makes the next
 * read see the new page rather than the old one.
 */
export async function submit(button: Locator): Promise<void> {
  const loaded = button.page().waitForEvent("load");
  await button.click();
  await loaded;
}
