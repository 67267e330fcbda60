/**
 * An API key's expiry chosen in the admin console, in real Chromium: the day picked is the key's expiry as
 * /v1/api-keys lists it (the end of that day, UTC); a day beyond the one-year bound is refused on the page with
 * the core's message (src/identity/api-keys/actions.ts, the same check /v1 applies) and no key is made.
 */
import { afterAll, beforeAll, expect, it } from "bun:test";
import type { Browser, Page } from "playwright-core";
import {
  describeBrowser,
  expectAccessible,
  HAS_CHROMIUM,
  launchChromium,
  newContext,
  screenshots,
} from "../helpers/chromium.ts";
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { call, createTenant, PASSWORD, signUp } from "../helpers/v1.ts";
import { FLOW_TIMEOUT, signInTo } from "./admin-browser.ts";

const DAY_MS = 86_400_000;
let t: TestApp;
let browser: Browser;
let page: Page;
let owner: { id: string; email: string; token: string };
let tenant = "";

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

async function keys(): Promise<{ name: string; expires_at: string | null }[]> {
  const answer = await call<{ data: { name: string; expires_at: string | null }[] }>(
    t,
    "GET",
    "/v1/api-keys",
    { token: owner.token, tenant },
  );
  return answer.body.data;
}

describeBrowser("/admin API key expiry in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    owner = await signUp(t, "Key Owner");
    tenant = await createTenant(t, owner.token, "keys");
    if (HAS_CHROMIUM) {
      browser = await launchChromium();
      page = await (await newContext(browser, { baseURL: t.baseUrl })).newPage();
    }
  }, FLOW_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it(
    "keeps the expiry day chosen and refuses one beyond a year",
    async () => {
      await signInTo(page, owner.email, PASSWORD, `/admin/tenants/${tenant}/api-keys`);
      await page.getByLabel("Name", { exact: true }).fill("Too long");
      await page.getByLabel("Expires on").fill(isoDay(400));
      await page.getByRole("button", { name: "Create an API key" }).click();
      expect(await page.getByLabel("Expires on").getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator("#f-expires_on-error").innerText()).toBe(
        "Pick a day from tomorrow to a year ahead.",
      );
      expect(await keys()).toEqual([]);

      const day = isoDay(10);
      await page.getByLabel("Name", { exact: true }).fill("Ten days");
      await page.getByLabel("Expires on").fill(day);
      await page.getByRole("button", { name: "Create an API key" }).click();
      await page.getByTestId("new-key").waitFor();
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-api-key-expiry");
      const listed = await keys();
      expect(listed.map((key) => key.name)).toEqual(["Ten days"]);
      expect(listed[0]?.expires_at).toBe(`${day}T23:59:59.999Z`);
    },
    FLOW_TIMEOUT,
  );
});
