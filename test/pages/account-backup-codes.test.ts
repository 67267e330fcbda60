/**
 * Backup codes and turning two-step verification off, from /account in real Chromium: new codes replace the
 * old (an old one is refused at sign-in, a new one accepted); once off, sign-in asks for no code.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible } from "../helpers/chromium.ts";
import { newUser, signInOnPage, useBrowserSuite, userRow } from "./account-steps.ts";
import { enable, secondStep, signOut } from "./account-two-factor-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

describeBrowser("/account backup codes in Chromium", () => {
  const suite = useBrowserSuite();

  it("makes new backup codes (an old one is refused at sign-in, a new one works), then turns it off", async () => {
    const { page } = suite;
    const user = await newUser(suite.t, "codes");
    const { backupCodes: old } = await enable(page, user);

    await page.locator("#tfa-codes-password").fill(user.password);
    await page.getByRole("button", { name: "Make new backup codes" }).click();
    await page.getByRole("heading", { name: "New backup codes" }).waitFor();
    const fresh = (await page.locator("#backup-codes li").allInnerTexts()).map((code) => code.trim());
    expect(fresh.length).toBeGreaterThanOrEqual(8);
    expect(fresh.some((code) => old.includes(code))).toBe(false);
    await expectAccessible(page);

    await signOut(page);
    await signInOnPage(page, user.email, user.password, "**/sign-in/two-factor");
    await secondStep(page, "backup_code", old[0] ?? "");
    expect(new URL(page.url()).pathname).toBe("/sign-in/two-factor");
    expect(await page.locator("#f-code").getAttribute("aria-invalid")).toBe("true");
    await secondStep(page, "backup_code", fresh[0] ?? "");
    await page.waitForURL("**/account");

    await page.locator("#tfa-disable-password").fill(user.password);
    await page.getByRole("button", { name: "Turn off" }).click();
    await page.waitForURL("**/account?done=two-factor-off#two-factor");
    expect((await userRow(suite.t, user.id))?.twoFactorEnabled).toBeFalsy();
    await signOut(page);
    await signInOnPage(page, user.email, user.password, "**/account");
  });
});
