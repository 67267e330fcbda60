/**
 * /admin users in real Chromium: a platform admin finds one user among thousands by a fragment of the e-mail
 * address, bans them (their session dies: the API refuses their token), impersonates another user and stops;
 * the users pages pass axe and are photographed at 390 and 1280 px; with lang=de no English is left.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { deAdmin } from "../../src/i18n/locales/admin/de.ts";
import { enAdmin } from "../../src/i18n/locales/admin/en.ts";
import {
  describeBrowser,
  expectAccessible,
  HAS_CHROMIUM,
  launchChromium,
  newContext,
  screenshots,
} from "../helpers/chromium.ts";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { defaultTenantId, signUp } from "../helpers/v1.ts";
import { FLOW_TIMEOUT, signInTo } from "./admin-browser.ts";

/** A few thousand accounts: enough that the one sought is not on the first page of an unfiltered list. */
const SEEDED = 3000;

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Accounts written straight into the tables (copies of the admin's rows), far faster than signing up. */
async function seedUsers(count: number): Promise<void> {
  const { kysely } = t.deps.db;
  const { numericId: _n, ...user } = await kysely
    .selectFrom("user")
    .selectAll()
    .where("email", "=", ADMIN.email)
    .executeTakeFirstOrThrow();
  const tenantId = await defaultTenantId(t);
  const member = await kysely
    .selectFrom("member")
    .selectAll()
    .where("userId", "=", user.id)
    .where("organizationId", "=", tenantId)
    .executeTakeFirstOrThrow();
  // 200 rows a statement stays under SQLite's limit of bound parameters.
  for (let start = 0; start < count; start += 200) {
    const ids = Array.from({ length: Math.min(200, count - start) }, (_, i) => `seed-${start + i}`);
    await kysely
      .insertInto("user")
      .values(
        ids.map((id, i) => ({
          ...user,
          id,
          email: `${id}@crowd.test`,
          name: `Crowd Member ${start + i}`,
          role: "user",
          username: null,
          displayUsername: null,
          phoneNumber: null,
        })),
      )
      .execute();
    await kysely
      .insertInto("member")
      .values(ids.map((id) => ({ ...member, id: `m-${id}`, userId: id, role: "user" })))
      .execute();
  }
}

const signInAsAdmin = () => signInTo(page, ADMIN.email, ADMIN.password);

/** What the API says about a session token: the account it belongs to, or nothing. */
async function sessionUser(token: string): Promise<string | null> {
  const response = await t.request("/api/auth/get-session", { token });
  const body = (await response.json().catch(() => null)) as { user?: { id: string } } | null;
  return body?.user?.id ?? null;
}

describeBrowser("/admin users in Chromium", () => {
  beforeAll(async () => {
    t = await createTestApp();
    await t.listen();
    await seedUsers(SEEDED);
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
  }, FLOW_TIMEOUT);

  it(
    "finds one user among thousands, bans them, and the API refuses their token",
    async () => {
      const target = await signUp(t, "Needle Person");
      expect(await sessionUser(target.token)).toBe(target.id);
      await signInAsAdmin();
      await page.getByRole("link", { name: "Users", exact: true }).click();
      await page.waitForURL("**/admin/users");
      // Unfiltered, the first page is full and another follows: the list pages instead of loading thousands.
      expect(await page.locator("tbody tr").count()).toBe(50);
      expect(await page.getByRole("link", { name: "Next page" }).count()).toBe(1);
      await screenshots(page, "admin-users");

      await page.getByLabel("Search").fill(target.email.slice(0, 14));
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL("**/admin/users?q=*");
      expect(await page.locator("tbody tr").count()).toBe(1);
      await expectAccessible(page);
      await page.getByRole("link", { name: "Needle Person" }).click();
      await page.waitForURL(`**/admin/users/${target.id}`);
      expect(await page.getByTestId("status").innerText()).toBe("Active");
      await expectAccessible(page);
      await screenshots(page, "admin-user");

      await page.getByLabel("Reason").fill("Spam from this account");
      await page.getByLabel("Length").selectOption({ label: "One day" });
      await page.getByRole("button", { name: "Ban", exact: true }).click();
      await page.waitForURL("**?done=banned");
      expect(await page.getByRole("status").first().innerText()).toContain(
        "banned and signed out everywhere",
      );
      expect(await page.getByTestId("status").innerText()).toBe("Disabled");
      expect(await page.getByTestId("ban").innerText()).toContain("Banned: Spam from this account.");
      // The session the user held before the ban is gone: the API no longer knows the token.
      expect(await sessionUser(target.token)).toBeNull();
      expect((await t.request("/v1/users", { token: target.token })).status).toBe(401);
      const row = await t.deps.db.kysely
        .selectFrom("user")
        .select(["banned", "banReason", "banExpires"])
        .where("id", "=", target.id)
        .executeTakeFirstOrThrow();
      expect(Boolean(row.banned)).toBe(true);
      expect(row.banReason).toBe("Spam from this account");
      const expires = new Date(row.banExpires as string).getTime();
      expect(expires).toBeGreaterThan(Date.now() + 23 * 3600_000);
      expect(expires).toBeLessThan(Date.now() + 25 * 3600_000);

      await page.getByRole("button", { name: "Lift the ban" }).click();
      await page.waitForURL("**?done=unbanned");
      expect(await page.getByTestId("status").innerText()).toBe("Active");
    },
    FLOW_TIMEOUT,
  );

  it(
    "impersonates a user and stops, back to the admin's own session",
    async () => {
      const target = await signUp(t, "Impersonated Person");
      await signInAsAdmin();
      await page.goto(`/admin/users/${target.id}`);
      await page.getByRole("button", { name: "Act as this user" }).click();
      await page.waitForURL("**/admin/impersonation");
      expect(await page.getByTestId("impersonating").innerText()).toContain("Impersonated Person");
      // The browser now holds the user's session: the API answers as them, and the console is closed to them.
      const asUser = (await (await context.request.get("/api/auth/get-session")).json()) as {
        user: { id: string };
        session: { impersonatedBy: string | null };
      };
      expect(asUser.user.id).toBe(target.id);
      expect(asUser.session.impersonatedBy).not.toBeNull();
      expect((await context.request.get("/admin/users")).status()).toBe(403);
      await expectAccessible(page);
      await screenshots(page, "admin-impersonation");

      await page.getByRole("button", { name: "Stop acting as this user" }).click();
      await page.waitForURL(`**/admin/users/${target.id}`);
      const asAdmin = (await (await context.request.get("/api/auth/get-session")).json()) as {
        user: { email: string };
        session: { impersonatedBy: string | null };
      };
      expect(asAdmin.user.email).toBe(ADMIN.email);
      expect(asAdmin.session.impersonatedBy ?? null).toBeNull();
      expect(await page.locator("h1").innerText()).toBe("Impersonated Person");
    },
    FLOW_TIMEOUT,
  );

  it(
    "with lang=de the users page has no English left",
    async () => {
      await signInAsAdmin();
      await page.goto("/admin/users?lang=de");
      expect(await page.locator("h1").innerText()).toBe("Benutzer");
      const text = await page.locator("body").innerText();
      const english = leaves(enAdmin);
      const german = leaves(deAdmin);
      // Every English console string, as a whole word or phrase ("Mail" is not left over in "E-Mail"), unless
      // German uses the same word in its own strings ("Name" in "E-Mail-Adresse, Name, …").
      const germanText = Object.values(german).join("\n");
      const asWord = (value: string) => new RegExp(`(^|[^\\p{L}-])${escapeRegExp(value)}($|[^\\p{L}-])`, "u");
      const leftovers = Object.values(english)
        .filter((value) => !value.includes("{{") && value.length > 3 && !asWord(value).test(germanText))
        .filter((value) => asWord(value).test(text));
      expect(leftovers).toEqual([]);
      await expectAccessible(page);
      await screenshots(page, "admin-users-de");
    },
    FLOW_TIMEOUT,
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function leaves(tree: object, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out[`${prefix}${key}`] = value;
    else Object.assign(out, leaves(value as object, `${prefix}${key}.`));
  }
  return out;
}
