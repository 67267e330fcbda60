/**
 * The second factor at /sign-in in Chromium: two-factor enabled through the API with the TOTP secret, then the
 * password step, the code step with a code from `otpauth`, and /account; a backup code works once; a wrong
 * code is shown next to the field.
 */
import { expect, it } from "bun:test";
import { TOTP, URI } from "otpauth";
import type { Page } from "playwright-core";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";

const PASSWORD = "two-factor-password-9";
const PERIOD_MS = 30_000;
const session = pageSession();

/** An account with TOTP enabled: its authenticator and backup codes. */
async function accountWithTwoFactor(email: string) {
  const { t } = session;
  await t.request("/api/auth/sign-up/email", { json: { email, password: PASSWORD, name: "Two Step" } });
  const token = await t.signIn(email, PASSWORD);
  const enabled = await t.request("/api/auth/two-factor/enable", { json: { password: PASSWORD }, token });
  const { totpURI, backupCodes } = (await enabled.json()) as { totpURI: string; backupCodes: string[] };
  const totp = URI.parse(totpURI);
  if (!(totp instanceof TOTP)) throw new Error("not a TOTP URI");
  // Enabling takes the current period's code; codes are single-use, so sign-in uses the next period's (the
  // server accepts one period either side).
  const verified = await t.request("/api/auth/two-factor/verify-totp", {
    json: { code: totp.generate() },
    token,
  });
  expect(verified.status).toBe(200);
  return {
    totp,
    backupCodes,
    nextCode: () => totp.generate({ timestamp: Date.now() + PERIOD_MS }),
    /** A code no accepted period has. */
    wrongCode: () => {
      const valid = [-1, 0, 1].map((k) => totp.generate({ timestamp: Date.now() + k * PERIOD_MS }));
      return ["000000", "111111", "222222", "333333"].find((code) => !valid.includes(code)) ?? "444444";
    },
  };
}

async function passwordStep(page: Page, email: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("E-mail address or username").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await submit(page.getByRole("button", { name: "Sign in" }));
  await page.waitForURL("**/sign-in/two-factor");
}

describeBrowser("two-factor sign-in in Chromium", () => {
  it("asks for the authenticator code after the password and then signs in", async () => {
    const email = `totp-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const account = await accountWithTwoFactor(email);
    const page = await session.open();
    await passwordStep(page, email);
    expect(await page.locator("h1").innerText()).toBe("Two-step verification");
    await session.check(page, "two-factor");

    await page.getByLabel("Code", { exact: true }).fill(account.wrongCode());
    await submit(page.getByRole("button", { name: "Verify" }));
    expect(await page.locator("#f-code-error").innerText()).toBeTruthy();
    await session.check(page, "two-factor-error");

    await page.getByLabel("Code", { exact: true }).fill(account.nextCode());
    await submit(page.getByRole("button", { name: "Verify" }));
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("Two Step");
  });

  it("sends a code by e-mail on request and signs in with it", async () => {
    const { t } = session;
    const email = `mailed-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await accountWithTwoFactor(email);
    const page = await session.open();
    await passwordStep(page, email);
    const before = t.smtp.messages.length;
    await submit(page.getByRole("button", { name: "Send me a code by e-mail" }));
    expect(await page.getByRole("status").innerText()).toBe("We sent a code to your e-mail address.");
    const mail = await t.smtp.waitFor((m) => t.smtp.messages.indexOf(m) >= before && m.to.includes(email));
    // "Your sign-in code is: <code>" (src/i18n/templates.ts renderCodeMail).
    const code = mail.text.split("\n")[0]?.split(" ").pop();
    expect(code).toBeTruthy();
    await page.getByLabel("Where the code comes from").selectOption("otp");
    await page.getByLabel("Code", { exact: true }).fill(code ?? "");
    await submit(page.getByRole("button", { name: "Verify" }));
    await page.waitForURL("**/account");
  });

  it("accepts a backup code, once", async () => {
    const email = `backup-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const account = await accountWithTwoFactor(email);
    const code = account.backupCodes[0] ?? "";
    const page = await session.open();
    await passwordStep(page, email);
    await page.getByLabel("Where the code comes from").selectOption("backup_code");
    await page.getByLabel("Code", { exact: true }).fill(code);
    await submit(page.getByRole("button", { name: "Verify" }));
    await page.waitForURL("**/account");

    const again = await session.open();
    await passwordStep(again, email);
    await again.getByLabel("Where the code comes from").selectOption("backup_code");
    await again.getByLabel("Code", { exact: true }).fill(code);
    await submit(again.getByRole("button", { name: "Verify" }));
    expect(again.url()).toEndWith("/sign-in/two-factor");
    expect(await again.locator("#f-code-error").innerText()).toBeTruthy();
  });
});
