/**
 * /account in real Chromium: deleting the account — the confirmation box, the password, the mailed link (to the
 * /account/confirm-delete page, which confirms with a button and calls better-auth's delete-user callback), the account
 * gone. Opened in a browser without the account's session, the link asks to sign in there first (the callback
 * deletes only with that session) and, once signed in, comes back to the confirmation; opening the link alone
 * deletes nothing.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible, newContext, screenshots } from "../helpers/chromium.ts";
import { linkIn } from "../helpers/smtp-peer.ts";
import { newUser, PASSWORD, section, signInOnPage, useBrowserSuite, userRow } from "./account-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

describeBrowser("/account in Chromium", () => {
  const suite = useBrowserSuite();
  it("deletes the account after the box is ticked, the password given and the mailed link followed", async () => {
    const user = await newUser(suite.t, "delete");
    await signInOnPage(suite.page, user.email, user.password);
    const form = section(suite.page, "delete");
    await form.getByLabel("Your password").fill(user.password);
    await form.getByRole("button", { name: "Delete my account" }).click();
    expect(await suite.page.locator("#delete-confirm-error").innerText()).toBe("Tick the box to confirm.");
    expect(await userRow(suite.t, user.id)).toBeDefined();

    const again = section(suite.page, "delete");
    await again.getByLabel("Your password").fill(user.password);
    await again.getByLabel("Yes, I want to delete my account").check();
    await again.getByRole("button", { name: "Delete my account" }).click();
    await suite.page.getByRole("heading", { name: "Check your inbox" }).waitFor();
    expect(await userRow(suite.t, user.id)).toBeDefined();

    const mail = await suite.t.smtp.waitFor(
      (m) => m.to.includes(user.email) && m.text.includes("/account/confirm-delete?token="),
    );
    await suite.page.goto(linkIn(mail, suite.t.baseUrl));
    await suite.page.getByRole("heading", { name: "Delete your account?" }).waitFor();
    await expectAccessible(suite.page);
    await screenshots(suite.page, "account-delete-confirm");
    expect(await userRow(suite.t, user.id)).toBeDefined();
    await suite.page.getByRole("button", { name: "Delete my account for good" }).click();
    await suite.page.waitForURL("**/account/deleted");
    expect(await suite.page.getByRole("heading", { level: 1 }).innerText()).toBe("Account deleted");
    await expectAccessible(suite.page);
    expect(await userRow(suite.t, user.id)).toBeUndefined();
    const signIn = await suite.t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: PASSWORD },
    });
    expect(signIn.status).toBe(401);
  });

  it("asks a browser without the account's session to sign in first, then confirms there", async () => {
    const user = await newUser(suite.t, "delete-elsewhere");
    await signInOnPage(suite.page, user.email, user.password);
    const form = section(suite.page, "delete");
    await form.getByLabel("Your password").fill(user.password);
    await form.getByLabel("Yes, I want to delete my account").check();
    await form.getByRole("button", { name: "Delete my account" }).click();
    await suite.page.getByRole("heading", { name: "Check your inbox" }).waitFor();
    const mail = await suite.t.smtp.waitFor(
      (m) => m.to.includes(user.email) && m.text.includes("/account/confirm-delete?token="),
    );

    const other = await newContext(suite.browser, { baseURL: suite.t.baseUrl });
    try {
      const page = await other.newPage();
      const answer = await page.goto(linkIn(mail, suite.t.baseUrl));
      expect(answer?.status()).toBe(401);
      expect(await page.locator("main").innerText()).toContain("sign in on this browser");
      await expectAccessible(page);
      await screenshots(page, "account-delete-sign-in-first");
      expect(await userRow(suite.t, user.id)).toBeDefined();

      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByLabel("E-mail address or username").fill(user.email);
      await page.getByLabel("Password", { exact: true }).fill(user.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Delete my account for good" }).click();
      await page.waitForURL("**/account/deleted");
      expect(await userRow(suite.t, user.id)).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
