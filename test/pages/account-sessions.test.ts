/**
 * /account in real Chromium: sessions from two browsers and an API client; one revoked from the list, then all
 * others together — the API refuses each revoked session afterwards, this browser's stays.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible, newContext, screenshots } from "../helpers/chromium.ts";
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
  it("revokes another session from the list, then all other sessions; the API refuses them afterwards", async () => {
    const user = await newUser(suite.t, "sessions");
    const other = await newContext(suite.browser, { baseURL: suite.t.baseUrl });
    try {
      const otherPage = await other.newPage();
      await signInOnPage(otherPage, user.email, user.password);
      const otherCookie = await sessionCookieOf(other);
      await signInOnPage(suite.page, user.email, user.password);

      // This browser, the other one, and the session the sign-up through the API opened (no User-Agent).
      const rows = section(suite.page, "sessions").locator("tbody tr");
      expect(await rows.count()).toBe(3);
      expect(await rows.filter({ hasText: "This device" }).count()).toBe(1);
      expect(await rows.filter({ hasText: "Chrome · Linux" }).count()).toBe(2);
      await expectAccessible(suite.page);
      await screenshots(suite.page, "account-sessions");
      await rows
        .filter({ hasNotText: "This device", hasText: "Chrome · Linux" })
        .getByRole("button", { name: "Sign out this session" })
        .click();
      await suite.page.waitForURL("**/account?done=session-revoked#sessions");
      expect(await section(suite.page, "sessions").locator("tbody tr").count()).toBe(2);
      expect(await apiUserOf(suite.t, otherCookie)).toBeNull();
      await otherPage.goto("/account");
      expect(new URL(otherPage.url()).pathname).toBe("/sign-in");
      expect(await apiUserOf(suite.t, await sessionCookieOf(suite.context))).toBe(user.id);

      // Two more sessions: another browser and an API client.
      await signInOnPage(otherPage, user.email, user.password);
      const secondCookie = await sessionCookieOf(other);
      const token = await suite.t.signIn(user.email, user.password);
      await suite.page.goto("/account");
      expect(await section(suite.page, "sessions").locator("tbody tr").count()).toBe(4);
      await suite.page.getByRole("button", { name: "Sign out all other sessions" }).click();
      await suite.page.waitForURL("**/account?done=others-revoked#sessions");
      expect(await suite.page.getByRole("status").innerText()).toBe(
        "All your other sessions have been signed out.",
      );
      expect(await section(suite.page, "sessions").locator("tbody tr").count()).toBe(1);
      expect(await apiUserOf(suite.t, secondCookie)).toBeNull();
      expect(await apiUserOfToken(suite.t, token)).toBeNull();
      expect(await apiUserOf(suite.t, await sessionCookieOf(suite.context))).toBe(user.id);
    } finally {
      await other.close();
    }
  });
});
