/**
 * /account in real Chromium: deleting the account — the confirmation box, the password, the mailed link of
 * better-auth's delete-user flow, the account gone.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible } from "../helpers/chromium.ts";
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
      (m) => m.to.includes(user.email) && m.text.includes("delete-user"),
    );
    await suite.page.goto(linkIn(mail, suite.t.baseUrl));
    await suite.page.waitForURL("**/account/deleted");
    expect(await suite.page.getByRole("heading", { level: 1 }).innerText()).toBe("Account deleted");
    await expectAccessible(suite.page);
    expect(await userRow(suite.t, user.id)).toBeUndefined();
    const signIn = await suite.t.request("/api/auth/sign-in/email", {
      json: { email: user.email, password: PASSWORD },
    });
    expect(signIn.status).toBe(401);
  });
});
