/**
 * Tenants in the admin console, in real Chromium: a tenant owner adds a Cedar rule with a notice, and the
 * action it forbids is refused in the console with that notice (nothing is created); an invalid rule is refused
 * with Cedar's message beside the field; the "would this be allowed?" tester gives the same answer; an API key is
 * shown once and works until revoked; an owner of
 * another tenant cannot open this tenant's pages by URL (403) and sees only their own tenant in the list.
 * Every tenant page passes axe and is photographed at 390 and 1280 px.
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
import { createTenant, PASSWORD, signUp } from "../helpers/v1.ts";
import { FLOW_TIMEOUT, signInTo } from "./admin-browser.ts";

const FREEZE = 'forbid (principal, action == Gatehouse::Action::"users.create", resource);';
const FREEZE_NOTICE = "New members are frozen during the audit.";

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ownerA: { id: string; email: string; token: string };
let ownerB: { id: string; email: string; token: string };
let tenantA = "";
let tenantB = "";

describeBrowser("/admin tenants in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    ownerA = await signUp(t, "Owner Alpha");
    tenantA = await createTenant(t, ownerA.token, "alpha");
    ownerB = await signUp(t, "Owner Bravo");
    tenantB = await createTenant(t, ownerB.token, "bravo");
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
    "a tenant rule's notice is shown on the action it refuses, and nothing is created",
    async () => {
      await signInTo(page, ownerA.email, PASSWORD);
      await page.getByRole("link", { name: /^alpha-/ }).click();
      await page.waitForURL(`**/admin/tenants/${tenantA}`);
      await expectAccessible(page);
      await screenshots(page, "admin-tenant");
      await page.getByRole("link", { name: "Rules" }).click();
      await page.waitForURL("**/rules");

      // A rule Cedar cannot validate is refused, with the reason beside the field.
      await page
        .getByLabel("Cedar policy")
        .fill('forbid (principal, action == Gatehouse::Action::"no.such", resource);');
      await page.getByRole("button", { name: "Add the rule" }).click();
      expect(await page.getByLabel("Cedar policy").getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator("#f-policy-error").innerText()).toBe("The policy is not valid");
      expect(await page.getByRole("alert").innerText()).toContain("no.such");

      await page.getByLabel("Cedar policy").fill(FREEZE);
      await page.getByLabel("Notice", { exact: true }).fill(FREEZE_NOTICE);
      await page.getByRole("button", { name: "Add the rule" }).click();
      await page.waitForURL("**/rules");
      expect(await page.locator("tbody").innerText()).toContain(FREEZE_NOTICE);
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-rules");

      // The tester asks the same guard: the owner would be refused, with the rule's notice.
      await page.getByLabel("Member's e-mail address").fill(ownerA.email);
      await page.getByLabel("Action", { exact: true }).selectOption("users.create");
      await page.getByLabel("Roles granted (if the action grants any)").fill("user");
      await page.getByRole("button", { name: "Ask" }).click();
      const verdict = await page.getByTestId("verdict").innerText();
      expect(verdict).toContain(`Refused for ${ownerA.email}`);
      expect(verdict).toContain(FREEZE_NOTICE);

      await page.getByRole("link", { name: "Members" }).click();
      await page.getByRole("link", { name: "Add a member" }).click();
      await page.getByLabel("E-mail address").fill("frozen-out@alpha.test");
      await page.getByLabel("Name", { exact: true }).fill("Frozen Out");
      await page.getByLabel("Password", { exact: true }).fill("a-long-enough-secret-9");
      await expectAccessible(page);
      await screenshots(page, "admin-member-new");
      await page.getByRole("button", { name: "Add a member" }).click();
      const alert = await page.getByRole("alert").innerText();
      expect(alert).toContain("You are not allowed to do this");
      expect(alert).toContain(FREEZE_NOTICE);
      const created = await t.deps.db.kysely
        .selectFrom("user")
        .select("id")
        .where("email", "=", "frozen-out@alpha.test")
        .executeTakeFirst();
      expect(created).toBeUndefined();
      await expectAccessible(page);
      await screenshots(page, "admin-member-refused");

      // Switched off, the rule lifts, and the same form now adds the member.
      await page.goto(`/admin/tenants/${tenantA}/rules`);
      await page.getByRole("button", { name: "Switch off" }).click();
      await page.goto(`/admin/tenants/${tenantA}/members/new`);
      await page.getByLabel("E-mail address").fill("let-in@alpha.test");
      await page.getByLabel("Name", { exact: true }).fill("Let In");
      await page.getByLabel("Password", { exact: true }).fill("a-long-enough-secret-9");
      await page.getByRole("button", { name: "Add a member" }).click();
      await page.waitForURL(`**/admin/tenants/${tenantA}/members/*`);
      expect(await page.locator("h1").innerText()).toContain("Let In");
      await expectAccessible(page);
      await screenshots(page, "admin-member");
      await page.goto(`/admin/tenants/${tenantA}/roles`);
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-roles");
    },
    FLOW_TIMEOUT,
  );

  it(
    "creates an API key shown once, which the API accepts until it is revoked",
    async () => {
      await signInTo(page, ownerA.email, PASSWORD, `/admin/tenants/${tenantA}/api-keys`);
      await page.getByLabel("Name", { exact: true }).fill("Nightly sync");
      await page.getByLabel("admin", { exact: true }).check();
      await page.getByRole("button", { name: "Create an API key" }).click();
      const raw = (await page.getByTestId("new-key").innerText()).trim();
      expect(raw.length).toBeGreaterThan(20);
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-keys");
      const asKey = () => t.request("/v1/users", { headers: { "x-api-key": raw } });
      expect((await asKey()).status).toBe(200);
      // Shown once: the list names the key by its prefix only.
      await page.goto(`/admin/tenants/${tenantA}/api-keys`);
      const listed = await page.locator("main").innerText();
      expect(listed).toContain("Nightly sync");
      expect(listed).not.toContain(raw);
      await page.getByRole("button", { name: "Revoke" }).click();
      await page.waitForURL("**/api-keys");
      expect(await page.locator("tbody").innerText()).toContain("Revoked");
      expect((await asKey()).status).toBe(401);
    },
    FLOW_TIMEOUT,
  );

  it(
    "an owner of another tenant cannot open this tenant's pages, and sees only their own tenant",
    async () => {
      await signInTo(page, ownerB.email, PASSWORD);
      for (const path of ["", "/rules", "/roles", "/api-keys", "/members/new", `/members/${ownerA.id}`]) {
        const response = await page.goto(`/admin/tenants/${tenantA}${path}`);
        expect(response?.status()).toBe(403);
        expect(await page.getByRole("alert").innerText()).toContain("You do not manage this tenant.");
      }
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-refused");
      const audit = await page.goto(`/admin/audit?tenant=${tenantA}`);
      expect(audit?.status()).toBe(403);
      // Nor the platform's pages.
      expect((await page.goto("/admin/users"))?.status()).toBe(403);
      await page.goto("/admin/tenants");
      const list = await page.locator("main").innerText();
      expect(list).toContain("bravo-");
      expect(list).not.toContain("alpha-");
      await expectAccessible(page);
      await screenshots(page, "admin-tenants");
      // Their own tenant opens.
      expect((await page.goto(`/admin/tenants/${tenantB}`))?.status()).toBe(200);
      // And its audit trail, which the tenant's owners and admins may read (src/authz/policies/tenant-admins.cedar).
      expect((await page.goto(`/admin/audit?tenant=${tenantB}`))?.status()).toBe(200);
      expect(await page.locator("h1").innerText()).toContain("Audit trail of bravo-");
      await expectAccessible(page);
      await screenshots(page, "admin-tenant-audit");
    },
    FLOW_TIMEOUT,
  );
});
