/**
 * Forgotten password end to end in Chromium: /forgot-password → the mail from the SMTP peer → its link →
 * /reset-password → the new password signs in, the old one no longer does; a bad link and mismatched passwords.
 */
import { expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { linkIn } from "../helpers/smtp-peer.ts";

const OLD_PASSWORD = "the-old-password-31";
const NEW_PASSWORD = "the-new-password-47";
const session = pageSession();

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail address or username").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submit(page.getByRole("button", { name: "Sign in" }));
  await page.waitForLoadState();
}

describeBrowser("password reset in Chromium", () => {
  it("forgot password → mail → reset page → the new password works, the old does not", async () => {
    const { t } = session;
    const email = `forgot-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await t.request("/api/auth/sign-up/email", { json: { email, password: OLD_PASSWORD, name: "For Got" } });
    const page = await session.open();

    await page.goto("/forgot-password");
    await session.check(page, "forgot-password");
    await page.getByLabel("E-mail address").fill(email);
    await submit(page.getByRole("button", { name: "Send the link" }));
    expect(await page.locator("h1").innerText()).toBe("Check your inbox");
    await session.check(page, "forgot-password-sent");

    const mail = await t.smtp.waitFor((m) => m.to.includes(email) && m.text.includes("reset-password"));
    await page.goto(linkIn(mail, t.baseUrl));
    await page.waitForURL(/\/reset-password\?token=/);
    // The token is in the page's URL (the link's job), never the password.
    expect(page.url()).not.toContain(NEW_PASSWORD);
    expect(await page.locator("h1").innerText()).toBe("Choose a new password");
    await session.check(page, "reset-password");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await submit(page.getByRole("button", { name: "Save the password" }));
    expect(await page.locator("h1").innerText()).toBe("Password changed");
    await session.check(page, "reset-password-done");

    await signIn(page, email, OLD_PASSWORD);
    expect(await page.getByRole("alert").innerText()).toBe("Invalid email or password");
    await signIn(page, email, NEW_PASSWORD);
    await page.waitForURL("**/account");
  });

  it("refuses two different passwords next to the repeat field", async () => {
    const { t } = session;
    const email = `mismatch-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await t.request("/api/auth/sign-up/email", {
      json: { email, password: OLD_PASSWORD, name: "Mis Match" },
    });
    await t.request("/api/auth/request-password-reset", { json: { email } });
    const mail = await t.smtp.waitFor((m) => m.to.includes(email) && m.text.includes("reset-password"));
    const page = await session.open();
    await page.goto(linkIn(mail, t.baseUrl));
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill(`${NEW_PASSWORD}x`);
    await submit(page.getByRole("button", { name: "Save the password" }));
    expect(await page.locator("#f-confirm-error").innerText()).toBe("The two passwords are not the same.");
  });

  it("says a used or forged link does not work and offers a new one", async () => {
    const page = await session.open();
    await page.goto("/api/auth/reset-password/forged-token?callbackURL=%2Freset-password");
    await page.waitForURL(/error=INVALID_TOKEN/);
    expect(await page.locator("h1").innerText()).toBe("This link does not work");
    await session.check(page, "reset-password-invalid");
    await page.getByRole("link", { name: "Ask for a new link" }).click();
    await page.waitForURL("**/forgot-password");
  });
});
