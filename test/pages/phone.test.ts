/**
 * Phone sign-in at /sign-in/phone in Chromium: the number, the code from the SMS peer, then /account; a wrong
 * code is shown next to the code field, a malformed number next to the number.
 */
import { expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { codeIn } from "../helpers/sms-peer.ts";

const session = pageSession({ sms: true });

async function askForCode(page: Page, phoneNumber: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Sign in with a phone number" }).click();
  await page.getByLabel("Phone number").fill(phoneNumber);
  await submit(page.getByRole("button", { name: "Send code" }));
}

describeBrowser("phone sign-in in Chromium", () => {
  it("signs in with the code from the SMS", async () => {
    const { t } = session;
    const sms = t.sms;
    if (!sms) throw new Error("the SMS peer is not running");
    const phone = `+4915${String(Date.now()).slice(-8)}`;
    const page = await session.open();
    await page.goto("/sign-in/phone");
    await session.check(page, "sign-in-phone");
    await askForCode(page, phone.replace(/^(\+49)(\d{3})/, "$1 $2 "));
    expect(await page.getByRole("status").innerText()).toBe(`We sent a code to ${phone}.`);
    await session.check(page, "sign-in-phone-code");

    const message = await sms.waitFor((m) => m.to === phone);
    const code = codeIn(message);
    const wrong = code === "000000" ? "111111" : "000000";
    await page.getByLabel("Code from the SMS").fill(wrong);
    await submit(page.getByRole("button", { name: "Sign in" }));
    expect(await page.locator("#f-code-error").innerText()).toBeTruthy();

    await page.getByLabel("Code from the SMS").fill(code);
    await submit(page.getByRole("button", { name: "Sign in" }));
    await page.waitForURL("**/account");
    const row = await t.deps.db.kysely
      .selectFrom("user")
      .select(["phoneNumberVerified"])
      .where("phoneNumber", "=", phone)
      .executeTakeFirst();
    expect(Boolean(row?.phoneNumberVerified)).toBe(true);
  });

  it("shows a malformed number next to the number field", async () => {
    const page = await session.open();
    await askForCode(page, "12345");
    expect(await page.locator("#f-phoneNumber-error").innerText()).toBe("Invalid phone number");
  });
});
