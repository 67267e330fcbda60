/**
 * Steps of the two-step verification tests of /account: an authenticator made from the key the page shows,
 * turning it on through the page, signing out, and the second step of /sign-in.
 *
 * TOTP codes are single-use (src/auth/plugins/two-factor.ts) and better-auth accepts the previous, current and
 * next 30 s step: a sign-in uses the next step's code (`code(1)`), which differs from the one that finished the
 * set-up, so no test waits for the clock.
 */
import { expect } from "bun:test";
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { section, signInOnPage, type TestUser } from "./account-steps.ts";

const STEP_MS = 30_000;

export function authenticator(secret: string) {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  return {
    /** The code of the step `offset` steps from now. */
    code: (offset = 0) => totp.generate({ timestamp: Date.now() + offset * STEP_MS }),
    /** A well-formed code that is valid in no step better-auth accepts now. */
    wrong() {
      const valid = new Set(
        [-1, 0, 1].map((offset) => totp.generate({ timestamp: Date.now() + offset * STEP_MS })),
      );
      for (let n = 0; ; n++) {
        const candidate = String(n).padStart(6, "0");
        if (!valid.has(candidate)) return candidate;
      }
    },
  };
}

/** Turns two-step verification on from /account; returns the authenticator made from the page's key and the backup codes. */
export async function enable(page: Page, user: TestUser, check?: (page: Page) => Promise<void>) {
  await signInOnPage(page, user.email, user.password);
  const twoFactor = section(page, "two-factor");
  await twoFactor.getByLabel("Your password").fill(user.password);
  await twoFactor.getByRole("button", { name: "Turn on" }).click();
  await page.getByRole("heading", { name: "Set up your authenticator app" }).waitFor();
  const qr = page.getByRole("img", { name: "QR code to add this account to an authenticator app" });
  expect(await qr.getAttribute("src")).toStartWith("data:image/svg+xml;base64,");
  const secret = (await page.locator("#totp-secret").innerText()).replace(/\s+/g, "");
  const backupCodes = (await page.locator("#backup-codes li").allInnerTexts()).map((code) => code.trim());
  expect(backupCodes.length).toBeGreaterThanOrEqual(8);
  const app = authenticator(secret);
  await check?.(page);
  await page.getByLabel("Code from the app").fill(app.code());
  await page.getByRole("button", { name: "Finish" }).click();
  await page.waitForURL("**/account?done=two-factor-on#two-factor");
  expect(await page.getByRole("status").innerText()).toBe("Two-step verification is now on.");
  return { app, backupCodes };
}

export async function signOut(page: Page) {
  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL("**/sign-in");
}

export async function secondStep(page: Page, method: "totp" | "backup_code", code: string) {
  await page.getByLabel("Where the code comes from").selectOption(method);
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

export async function secretOnPage(page: Page): Promise<string> {
  return (await page.locator("#totp-secret").innerText()).replace(/\s+/g, "");
}
