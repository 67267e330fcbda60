/**
 * Steps the /account tests share: a fresh user made through the API, a sign-in through the /sign-in page, the
 * browser's session cookie and what the API makes of it, and the page's sections.
 */
import { afterAll, beforeAll, beforeEach } from "bun:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { HAS_CHROMIUM, launchChromium, newContext } from "../helpers/chromium.ts";
import { createTestApp, type TestApp, type TestAppOptions } from "../helpers/test-app.ts";

/** better-auth's session cookie with Gatehouse's prefix (src/auth/index.ts: cookiePrefix). */
export const SESSION_COOKIE = "gatehouse.session_token";

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** A password with nothing of the user's name in it (the identifier rule of src/auth/account-rules.ts). */
export const PASSWORD = "tulip-orbit-9274";

export async function newUser(t: TestApp, label: string, name = "Robin Quill"): Promise<TestUser> {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const response = await t.request("/api/auth/sign-up/email", { json: { email, password: PASSWORD, name } });
  const body = (await response.json()) as { user?: { id?: string } };
  if (!response.ok || !body.user?.id) throw new Error(`sign-up failed: ${JSON.stringify(body)}`);
  return { id: body.user.id, email, password: PASSWORD, name };
}

/** Signs in on /sign-in (English labels) and waits for the page it lands on. */
export async function signInOnPage(page: Page, email: string, password: string, landing = "**/account") {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail address or username").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(landing);
}

export async function sessionCookieOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error("the browser holds no session cookie");
  return cookie.value;
}

/** The user the API sees for this session cookie (null when it refuses the session). */
export async function apiUserOf(t: TestApp, cookieValue: string): Promise<string | null> {
  const response = await t.request("/api/auth/get-session", {
    headers: { cookie: `${SESSION_COOKIE}=${cookieValue}` },
  });
  const body = (await response.json()) as { user?: { id?: string } } | null;
  return body?.user?.id ?? null;
}

/** The API's answer to a Bearer session token: the user id, or null when refused. */
export async function apiUserOfToken(t: TestApp, token: string): Promise<string | null> {
  const response = await t.request("/api/auth/get-session", { token });
  const body = (await response.json()) as { user?: { id?: string } } | null;
  return body?.user?.id ?? null;
}

/** A section of /account, by the id of its heading. */
export function section(page: Page, id: string): Locator {
  return page.locator(`section[aria-labelledby="${id}"]`);
}

export async function userRow(t: TestApp, id: string) {
  return t.deps.db.kysely.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface BrowserSuite {
  readonly t: TestApp;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * Registers the hooks of a browser test file: one app (listening) and one Chromium for the file, a fresh
 * context and page for each test. The returned object's fields are filled in by the hooks.
 */
export function useBrowserSuite(options: TestAppOptions = {}): BrowserSuite {
  const suite = {} as { t: TestApp; browser: Browser; context: BrowserContext; page: Page };
  beforeAll(async () => {
    suite.t = await createTestApp(options);
    await suite.t.listen();
    if (HAS_CHROMIUM) suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  beforeEach(async () => {
    await suite.context?.close();
    suite.context = await newContext(suite.browser, { baseURL: suite.t.baseUrl });
    suite.page = await suite.context.newPage();
  });
  return suite;
}
