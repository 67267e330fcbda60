/**
 * Two-step verification from /account in real Chromium: turned on with the key read from the page (the QR code
 * beside it), a wrong code shown beside its field, then sign-out and sign-in with a TOTP code.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible, screenshots } from "../helpers/chromium.ts";
import { newUser, signInOnPage, useBrowserSuite, userRow } from "./account-steps.ts";
import { authenticator, enable, secondStep, secretOnPage, signOut } from "./account-two-factor-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

describeBrowser("/account two-step verification in Chromium", () => {
  const suite = useBrowserSuite();

  it("turns it on with the key from the page, refuses a wrong code beside its field, then signs in with a TOTP code", async () => {
    const { page } = suite;
    const user = await newUser(suite.t, "totp");
    const { app } = await enable(page, user, async (setup) => {
      await expectAccessible(setup);
      await screenshots(setup, "account-two-factor-setup");
      await setup.getByLabel("Code from the app").fill(authenticator(await secretOnPage(setup)).wrong());
      await setup.getByRole("button", { name: "Finish" }).click();
      expect(await setup.locator("#tfa-code").getAttribute("aria-invalid")).toBe("true");
      expect(await setup.locator("#tfa-code-error").innerText()).not.toBe("");
      expect((await userRow(suite.t, user.id))?.twoFactorEnabled).toBeFalsy();
    });
    expect((await userRow(suite.t, user.id))?.twoFactorEnabled).toBeTruthy();

    await signOut(page);
    await signInOnPage(page, user.email, user.password, "**/sign-in/two-factor");
    await secondStep(page, "totp", app.code(1));
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("Two-step verification is on");
  });
});
