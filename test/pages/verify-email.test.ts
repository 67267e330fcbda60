/** /verify-email in Chromium: an invalid or expired link says so, and "send again" mails a link that verifies. */
import { expect, it } from "bun:test";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { linkIn } from "../helpers/smtp-peer.ts";

const PASSWORD = "a-long-enough-password-7";
const session = pageSession();

describeBrowser("/verify-email in Chromium", () => {
  it("says an invalid link is invalid and sends a new one that verifies", async () => {
    const { t } = session;
    const email = `resend-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await t.request("/api/auth/sign-up/email", { json: { email, password: PASSWORD, name: "Re Send" } });
    await t.smtp.waitFor((m) => m.to.includes(email));
    const before = t.smtp.messages.length;

    const page = await session.open();
    await page.goto("/api/auth/verify-email?token=forged&callbackURL=%2Fverify-email");
    await page.waitForURL("**/verify-email?error=*");
    expect(await page.locator("h1").innerText()).toBe("This link does not work");
    await session.check(page, "verify-email-invalid");
    await page.getByLabel("E-mail address", { exact: true }).fill(email);
    await submit(page.getByRole("button", { name: "Send the link again" }));
    expect(await page.getByRole("status").innerText()).toContain("we sent it a new link");

    const mail = await t.smtp.waitFor((m) => t.smtp.messages.indexOf(m) >= before && m.to.includes(email));
    await page.goto(linkIn(mail, t.baseUrl));
    expect(await page.locator("h1").innerText()).toBe("E-mail address verified");
  });

  it("says an expired link has expired", async () => {
    const page = await session.open();
    await page.goto("/verify-email?error=TOKEN_EXPIRED");
    expect(await page.locator("h1").innerText()).toBe("This link has expired");
    await session.check(page, "verify-email-expired");
  });
});
