/**
 * The admin console's platform pages in real Chromium: creating a user from the console (the account lands in
 * the database), and the overview, global roles, audit trail and health pages — each passes axe and is
 * photographed at 390 and 1280 px. People who manage nothing are refused the console.
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
import { PASSWORD, signUp } from "../helpers/v1.ts";
import { FLOW_TIMEOUT, signInTo } from "./admin-browser.ts";

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

describeBrowser("/admin platform pages in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    if (HAS_CHROMIUM) browser = await launchChromium();
  }, FLOW_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });
  beforeEach(async () => {
    await context?.close();
    context = await newContext(browser, { baseURL: t.baseUrl });
    page = await context.newPage();
  });

  it(
    "creates a user from the console; a taken address is shown next to its field",
    async () => {
      await signInTo(page, ADMIN.email, ADMIN.password);
      await expectAccessible(page);
      await screenshots(page, "admin-home");
      await page.goto("/admin/users/new");
      await page.getByLabel("E-mail address").fill("created-in-console@admin.test");
      await page.getByLabel("Name", { exact: true }).fill("Console Made");
      await page.getByLabel("Password", { exact: true }).fill("a-long-enough-secret-9");
      await expectAccessible(page);
      await screenshots(page, "admin-user-new");
      await page.getByRole("button", { name: "Create the user" }).click();
      await page.waitForURL("**/admin/users/*?created=1");
      expect(await page.locator("h1").innerText()).toBe("Console Made");
      const created = await t.deps.db.kysely
        .selectFrom("user")
        .select("name")
        .where("email", "=", "created-in-console@admin.test")
        .executeTakeFirst();
      expect(created?.name).toBe("Console Made");

      await page.goto("/admin/users/new");
      await page.getByLabel("E-mail address").fill("created-in-console@admin.test");
      await page.getByLabel("Password", { exact: true }).fill("a-long-enough-secret-9");
      await page.getByRole("button", { name: "Create the user" }).click();
      expect(await page.locator("#f-email-error").innerText()).not.toBe("");
      expect(await page.getByLabel("E-mail address").getAttribute("aria-invalid")).toBe("true");
      // The password typed is never sent back in the page.
      expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    },
    FLOW_TIMEOUT,
  );

  it(
    "roles, audit trail and health pages pass axe; the audit trail shows the sign-in",
    async () => {
      await signInTo(page, ADMIN.email, ADMIN.password, "/admin/audit");
      expect(await page.locator("tbody tr").count()).toBeGreaterThan(0);
      await expectAccessible(page);
      await screenshots(page, "admin-audit");
      for (const [path, name] of [
        ["/admin/roles", "admin-roles"],
        ["/admin/health", "admin-health"],
      ] as const) {
        await page.goto(path);
        expect(await page.locator("h1").count()).toBe(1);
        await expectAccessible(page);
        await screenshots(page, name);
      }
      expect(await page.getByTestId("overall").innerText()).toContain("OK");
    },
    FLOW_TIMEOUT,
  );

  it(
    "refuses the console to a person who manages nothing",
    async () => {
      const plain = await signUp(t, "Plain Person");
      await signInTo(page, plain.email, PASSWORD, "/account");
      for (const path of ["/admin", "/admin/users", "/admin/health", "/admin/roles"]) {
        const response = await page.goto(path);
        expect(response?.status()).toBe(403);
      }
      expect(await page.locator("h1").innerText()).toBe("Not allowed");
      await expectAccessible(page);
      await screenshots(page, "admin-refused");
    },
    FLOW_TIMEOUT,
  );
});
