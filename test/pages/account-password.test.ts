/**
 * /account in real Chromium: a password change — a wrong current password shown beside its field in the
 * visitor's language, then the other sessions ended, the old password refused by the API and the new one working.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible, screenshots } from "../helpers/chromium.ts";
import {
  apiUserOf,
  apiUserOfToken,
  newUser,
  section,
  sessionCookieOf,
  signInOnPage,
  useBrowserSuite,
} from "./account-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

describeBrowser("/account in Chromium", () => {
  const suite = useBrowserSuite();
  it("changes the password: a wrong current one is shown beside its field in German; then the old one is refused and the new one works", async () => {
    const user = await newUser(suite.t, "password");
    await signInOnPage(suite.page, user.email, user.password);
    const elsewhere = await suite.t.signIn(user.email, user.password);
    await suite.page.goto("/account?lang=de");
    const form = section(suite.page, "password");
    await form.getByLabel("Aktuelles Passwort").fill("not-my-password-1");
    await form.getByLabel("Neues Passwort", { exact: true }).fill("meadow-lantern-5521");
    await form.getByLabel("Neues Passwort wiederholen").fill("meadow-lantern-5521");
    await form.getByRole("button", { name: "Passwort ändern" }).click();
    expect(await suite.page.locator("#password-currentPassword-error").innerText()).toBe(
      "Ungültiges Passwort",
    );
    await expectAccessible(suite.page);
    await screenshots(suite.page, "account-password-error-de");

    const again = section(suite.page, "password");
    await again.getByLabel("Aktuelles Passwort").fill(user.password);
    await again.getByLabel("Neues Passwort", { exact: true }).fill("meadow-lantern-5521");
    await again.getByLabel("Neues Passwort wiederholen").fill("meadow-lantern-5521");
    await again.getByRole("button", { name: "Passwort ändern" }).click();
    await suite.page.waitForURL("**/account?done=password#password");
    expect(await suite.page.getByRole("status").innerText()).toContain("Ihr Passwort wurde geändert");
    // This browser stays signed in (with the new session better-auth opened).
    expect(await apiUserOf(suite.t, await sessionCookieOf(suite.context))).toBe(user.id);
    // The other sessions ended, as the API's password change ends them.
    expect(await apiUserOfToken(suite.t, elsewhere)).toBeNull();

    const old = await suite.t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: user.password },
    });
    expect(old.status).toBe(401);
    const renewed = await suite.t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: "meadow-lantern-5521" },
    });
    expect(renewed.status).toBe(200);
  });
});
