/**
 * The impersonation banner, in real Chromium: while a platform admin acts as someone, every page — the account
 * page, a hosted page, a refused console page — says whom they act as and offers Stop; Stop (the console's stop
 * route) gives the admin's own session back, and the banner is gone. Nobody else ever sees it.
 */
import { afterAll, beforeAll, expect, it } from "bun:test";
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
import { signUp } from "../helpers/v1.ts";
import { FLOW_TIMEOUT, signInTo } from "./admin-browser.ts";

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

describeBrowser("the impersonation banner in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    if (HAS_CHROMIUM) {
      browser = await launchChromium();
      context = await newContext(browser, { baseURL: t.baseUrl });
      page = await context.newPage();
    }
  }, FLOW_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it(
    "shows whom the admin acts as on every page, and Stop brings the admin back",
    async () => {
      const target = await signUp(t, "Bannered Person");
      await signInTo(page, ADMIN.email, ADMIN.password);
      const banner = page.getByTestId("impersonation-banner");
      expect(await banner.count()).toBe(0);
      await page.goto(`/admin/users/${target.id}`);
      await page.getByRole("button", { name: "Act as this user" }).click();
      await page.waitForURL("**/admin/impersonation");

      for (const path of ["/account", "/sign-in", "/admin/users"]) {
        await page.goto(path);
        expect(await banner.innerText()).toContain("You are acting as Bannered Person.");
      }
      await page.goto("/account");
      await expectAccessible(page);
      await screenshots(page, "impersonation-banner");

      await banner.getByRole("button", { name: "Stop acting as this user" }).click();
      await page.waitForURL(`**/admin/users/${target.id}`);
      expect(await page.locator("h1").innerText()).toBe("Bannered Person");
      expect(await banner.count()).toBe(0);
      const session = (await (await context.request.get("/api/auth/get-session")).json()) as {
        user: { email: string };
      };
      expect(session.user.email).toBe(ADMIN.email);
    },
    FLOW_TIMEOUT,
  );
});
