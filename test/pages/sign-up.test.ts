/**
 * Sign-up end to end in Chromium: the form → the verification mail from the SMTP peer → its link → the
 * verified page → sign-out → sign-in → /account; the same with JavaScript disabled; field errors beside their
 * field.
 */
import { expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { linkIn } from "../helpers/smtp-peer.ts";

const PASSWORD = "a-long-enough-password-7";
const session = pageSession();

async function signUp(page: Page, name: string, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("E-mail address", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submit(page.getByRole("button", { name: "Create account" }));
}

async function signIn(page: Page, identifier: string, password = PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail address or username").fill(identifier);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submit(page.getByRole("button", { name: "Sign in" }));
}

async function signOut(page: Page): Promise<void> {
  await page.goto("/sign-out");
  await submit(page.getByRole("button", { name: "Sign out" }));
  await page.waitForURL("**/sign-in");
}

describeBrowser("/sign-up in Chromium", () => {
  it("sign-up → mail → link → verified page → sign-in → /account", async () => {
    const { t } = session;
    const page = await session.open();
    const email = `new-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await page.goto("/sign-up");
    await session.check(page, "sign-up");
    await signUp(page, "Nora New", email);
    expect(await page.locator("h1").innerText()).toBe("Check your inbox");
    expect(await page.locator("main").innerText()).toContain(email);
    await session.check(page, "sign-up-check-mail");

    const mail = await t.smtp.waitFor((m) => m.to.includes(email) && m.text.includes("verify-email"));
    await page.goto(linkIn(mail, t.baseUrl));
    await page.waitForURL("**/verify-email");
    expect(await page.locator("h1").innerText()).toBe("E-mail address verified");
    expect(await page.locator("main").innerText()).toContain(email);
    await session.check(page, "verify-email-verified");
    const row = await t.deps.db.kysely
      .selectFrom("user")
      .select("emailVerified")
      .where("email", "=", email)
      .executeTakeFirst();
    expect(Boolean(row?.emailVerified)).toBe(true);

    await signOut(page);
    await signIn(page, email);
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("You are signed in as Nora New.");
  });

  it("works with JavaScript disabled: sign-up, then sign-in", async () => {
    const page = await session.open({ javaScriptEnabled: false });
    const email = `nojs-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await signUp(page, "No Script", email);
    expect(await page.locator("h1").innerText()).toBe("Check your inbox");
    await page.context().clearCookies();
    await signIn(page, email);
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("No Script");
  });

  it("shows a refused password beside the password field and keeps what was typed", async () => {
    const page = await session.open();
    await signUp(page, "Short Pass", "short@example.com", "short");
    const error = page.locator("#f-password-error");
    expect(await error.innerText()).toBe("Password too short");
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("E-mail address", { exact: true }).inputValue()).toBe("short@example.com");
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    await session.check(page, "sign-up-field-error");
  });

  it("shows an empty required field as such, next to it", async () => {
    const page = await session.open();
    await page.goto("/sign-up");
    await submit(page.getByRole("button", { name: "Create account" }));
    expect(await page.locator("#f-email-error").innerText()).toBe("Please fill in this field.");
    expect(await page.locator("#f-name-error").innerText()).toBe("Please fill in this field.");
  });
});
