/**
 * /sign-in and /sign-out in real Chromium: password sign-in to
 * /account with JavaScript on and off, a wrong password shown in the visitor's language, redirect_to allowed
 * (a trusted origin) and refused (a foreign host); axe and screenshots of each page.
 */
import { expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { ADMIN } from "../helpers/test-app.ts";

/** A trusted origin that nothing listens on: the browser's attempt to go there is the proof. */
const TRUSTED_APP = "http://127.0.0.1:9";
const session = pageSession({ env: { TRUSTED_ORIGINS: TRUSTED_APP } });

async function fillSignIn(
  page: Page,
  identifier = ADMIN.email,
  password: string = ADMIN.password,
): Promise<void> {
  await page.getByLabel("E-mail address or username").fill(identifier);
  await page.getByLabel("Password", { exact: true }).fill(password);
}

async function signIn(
  page: Page,
  identifier = ADMIN.email,
  password: string = ADMIN.password,
): Promise<void> {
  await fillSignIn(page, identifier, password);
  await submit(page.getByRole("button", { name: "Sign in" }));
}

describeBrowser("/sign-in in Chromium", () => {
  it("signs the admin in and lands on /account", async () => {
    const page = await session.open();
    await page.goto("/sign-in");
    await session.check(page, "sign-in");
    await signIn(page);
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("You are signed in as");
    await session.check(page, "account");
  });

  it("works with JavaScript disabled", async () => {
    const page = await session.open({ javaScriptEnabled: false });
    await page.goto("/sign-in");
    await signIn(page);
    await page.waitForURL("**/account");
  });

  it("shows a wrong password above the form, in German with lang=de, and keeps the identifier", async () => {
    const page = await session.open();
    await page.goto("/sign-in?lang=de");
    await page.getByLabel("E-Mail-Adresse oder Benutzername").fill(ADMIN.email);
    await page.getByLabel("Passwort", { exact: true }).fill("not-the-password-1");
    await submit(page.getByRole("button", { name: "Anmelden" }));
    expect(await page.getByRole("alert").innerText()).toBe(
      "Ungültige E-Mail-Adresse oder ungültiges Passwort",
    );
    expect(await page.getByLabel("E-Mail-Adresse oder Benutzername").inputValue()).toBe(ADMIN.email);
    await session.check(page, "sign-in-error-de");
  });

  it("returns to an allowed redirect_to (a trusted origin) after sign-in", async () => {
    const page = await session.open();
    const target = `${TRUSTED_APP}/after-sign-in?x=1`;
    await page.goto(`/sign-in?redirect_to=${encodeURIComponent(target)}`);
    const navigation = page.waitForRequest((request) => request.url().startsWith(TRUSTED_APP));
    await fillSignIn(page);
    // Nothing answers there, so no page loads: the browser's request for it is the proof.
    await page.getByRole("button", { name: "Sign in" }).click();
    expect((await navigation).url()).toBe(target);
  });

  it("ignores a redirect_to on a foreign host and lands on /account", async () => {
    const page = await session.open();
    await page.goto(`/sign-in?redirect_to=${encodeURIComponent("http://evil.example/steal")}`);
    await signIn(page);
    await page.waitForURL(`${session.t.baseUrl}/account`);
  });

  it("signs out after confirming, and /account then asks to sign in", async () => {
    const page = await session.open();
    await page.goto("/sign-in");
    await signIn(page);
    await page.waitForURL("**/account");
    await page.goto("/sign-out");
    await session.check(page, "sign-out");
    await submit(page.getByRole("button", { name: "Sign out" }));
    await page.waitForURL("**/sign-in");
    await page.goto("/account");
    await page.waitForURL(/\/sign-in\?redirect_to=%2Faccount$/);
  });
});
