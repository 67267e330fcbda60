/**
 * A tenant's role catalogue in the admin console, in real Chromium: the owner adds a role, gives it to a member,
 * is refused when deleting it while it is held (the core's role_in_use, shown on the page), takes it back and
 * deletes it — and /v1/roles sees each step, since both call src/identity/roles/service.ts. A built-in role has
 * no delete button, and a forged post to delete one is refused too. The page passes axe and is photographed.
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
import { createTestApp, type TestApp } from "../helpers/test-app.ts";
import { addUser, call, createTenant, PASSWORD, signUp } from "../helpers/v1.ts";
import { FLOW_TIMEOUT, signInTo } from "./admin-browser.ts";

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let owner: { id: string; email: string; token: string };
let member: { id: string; email: string; token: string };
let tenant = "";

async function catalogue(): Promise<string[]> {
  const answer = await call<{ data: { name: string }[] }>(t, "GET", "/v1/roles", {
    token: owner.token,
    tenant,
  });
  return answer.body.data.map((role) => role.name);
}

describeBrowser("/admin tenant roles in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    owner = await signUp(t, "Role Owner");
    tenant = await createTenant(t, owner.token, "roles");
    member = await addUser(t, { token: owner.token, tenant }, ["user"], "Role Member");
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
    "creates a role, refuses to delete it while a member holds it, deletes it once unassigned",
    async () => {
      await signInTo(page, owner.email, PASSWORD, `/admin/tenants/${tenant}/roles`);
      expect(await page.getByRole("button", { name: "Delete the role owner" }).count()).toBe(0);
      await page.getByLabel("Role", { exact: true }).fill("auditor");
      await page.getByLabel("Description", { exact: true }).fill("Reads the trail");
      await page.getByRole("button", { name: "Add a role" }).click();
      await page.waitForURL(`**/admin/tenants/${tenant}/roles`);
      expect(await page.locator("tbody").innerText()).toContain("Reads the trail");
      expect(await catalogue()).toContain("auditor");
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-roles-manage");

      // The same name again is refused with the core's message, not a second row.
      await page.getByLabel("Role", { exact: true }).fill("auditor");
      await page.getByRole("button", { name: "Add a role" }).click();
      expect(await page.getByRole("alert").innerText()).toContain("This role already exists");

      await page.goto(`/admin/tenants/${tenant}/members/${member.id}`);
      await page.getByLabel("auditor", { exact: true }).check();
      await page.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(`**/members/${member.id}*`);

      await page.goto(`/admin/tenants/${tenant}/roles`);
      await page.getByRole("button", { name: "Delete the role auditor" }).click();
      expect(await page.getByRole("alert").innerText()).toContain("This role is still assigned to members");
      await expectAccessible(page);
      expect(await catalogue()).toContain("auditor");

      await page.goto(`/admin/tenants/${tenant}/members/${member.id}`);
      await page.getByLabel("auditor", { exact: true }).uncheck();
      await page.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(`**/members/${member.id}*`);

      await page.goto(`/admin/tenants/${tenant}/roles`);
      await page.getByRole("button", { name: "Delete the role auditor" }).click();
      await page.waitForURL(`**/admin/tenants/${tenant}/roles`);
      expect(await page.locator("tbody").innerText()).not.toContain("auditor");
      expect(await catalogue()).not.toContain("auditor");
    },
    FLOW_TIMEOUT,
  );

  it(
    "refuses a forged delete of a built-in role",
    async () => {
      await signInTo(page, owner.email, PASSWORD, `/admin/tenants/${tenant}/roles`);
      const answer = await page.evaluate(async (path) => {
        const token = (document.querySelector('input[name="csrf"]') as HTMLInputElement | null)?.value ?? "";
        const body = new URLSearchParams({ csrf: token, name: "admin" });
        const response = await fetch(path, { method: "POST", body });
        return { status: response.status, text: await response.text() };
      }, `/admin/tenants/${tenant}/roles/delete`);
      expect(answer.status).toBe(409);
      expect(answer.text).toContain("Built-in roles cannot be removed");
      expect(await catalogue()).toContain("admin");
    },
    FLOW_TIMEOUT,
  );
});
