/**
 * The pages in other languages, in Chromium: the sign-up → verification → sign-in flow with `lang=de` and
 * `lang=ja` shows translated text on every page — no English string of the pages' catalogue left — and the
 * mail arrives in that language; the language switcher works with and without JavaScript; the error page
 * speaks the browser's language.
 */
import { expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { t as translate } from "../../src/i18n/index.ts";
import { en } from "../../src/i18n/locales/en.ts";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { linkIn } from "../helpers/smtp-peer.ts";

const PASSWORD = "ein-langes-passwort-58";
const session = pageSession();

type Tree = { readonly [key: string]: string | Tree };
const leaves = (tree: Tree): string[] =>
  Object.values(tree).flatMap((value) => (typeof value === "string" ? [value] : leaves(value)));

/**
 * English text of the pages and of the error messages they may show: each string's parts between
 * placeholders, those long enough not to be a word every language borrows ("Code", "Name").
 */
const ENGLISH = [...leaves(en.pages), ...leaves(en.auth), ...leaves(en.errors)]
  .flatMap((text) => text.split(/\{\{[^}]+\}\}/))
  .map((part) => part.trim())
  .filter((part) => part.length >= 8);

/** What the visitor reads, without the language names of the switcher (each written in its own language). */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true) as HTMLElement;
    copy.querySelectorAll("select").forEach((select) => {
      select.remove();
    });
    document.body.append(copy);
    copy.hidden = false;
    const text = copy.innerText;
    copy.remove();
    return text;
  });
}

async function expectNoEnglish(page: Page): Promise<void> {
  const text = await visibleText(page);
  expect(ENGLISH.filter((english) => text.includes(english))).toEqual([]);
}

describeBrowser("sign-up, verification and sign-in in German and Japanese", () => {
  it("the English check finds the English of an English page", async () => {
    const page = await session.open();
    await page.goto("/sign-up?lang=en");
    const text = await visibleText(page);
    expect(ENGLISH.filter((english) => text.includes(english))).toContain("Already have an account?");
  });

  for (const locale of ["de", "ja"] as const) {
    it(`lang=${locale}: every page of the flow is translated, and so is the mail`, async () => {
      const { t } = session;
      // Only keys without parameters are looked up here; the cast picks one such key's signature.
      const tr = (key: Parameters<typeof translate>[1]) => translate(locale, key as "pages.signUp.title");
      const email = `${locale}-${crypto.randomUUID().slice(0, 8)}@example.com`;
      const page = await session.open();
      await page.goto(`/sign-up?lang=${locale}`);
      expect(await page.locator("h1").innerText()).toBe(tr("pages.signUp.title"));
      expect(await page.locator("html").getAttribute("lang")).toBe(locale);
      await expectNoEnglish(page);
      await session.check(page, `sign-up-${locale}`);
      await page.getByLabel(tr("pages.common.name"), { exact: true }).fill("Kai");
      await page.getByLabel(tr("pages.common.email"), { exact: true }).fill(email);
      await page.getByLabel(tr("pages.common.password"), { exact: true }).fill(PASSWORD);
      await submit(page.getByRole("button", { name: tr("pages.signUp.submit") }));
      expect(await page.locator("h1").innerText()).toBe(tr("pages.signUp.checkMailTitle"));
      await expectNoEnglish(page);

      const mail = await t.smtp.waitFor((m) => m.to.includes(email) && m.text.includes("verify-email"));
      expect(mail.subject).toBe(translate(locale, "mail.verifyEmail.subject"));
      await page.goto(linkIn(mail, t.baseUrl));
      await page.waitForURL("**/verify-email");
      expect(await page.locator("h1").innerText()).toBe(tr("pages.verify.verifiedTitle"));
      await expectNoEnglish(page);

      await page.goto("/sign-out");
      expect(await page.locator("h1").innerText()).toBe(tr("pages.signOut.title"));
      await expectNoEnglish(page);
      await submit(page.getByRole("button", { name: tr("pages.signOut.submit") }));
      await page.waitForURL("**/sign-in");
      expect(await page.locator("h1").innerText()).toBe(tr("pages.signIn.title"));
      await expectNoEnglish(page);
      await session.check(page, `sign-in-${locale}`);
      await page.getByLabel(tr("pages.signIn.identifier"), { exact: true }).fill(email);
      await page.getByLabel(tr("pages.common.password"), { exact: true }).fill(PASSWORD);
      await submit(page.getByRole("button", { name: tr("pages.signIn.submit") }));
      await page.waitForURL("**/account");
      expect(await page.locator("h1").innerText()).toBe(tr("accountPage.title"));
      await expectNoEnglish(page);
    });
  }
});

describeBrowser("the language switcher and the error page in Chromium", () => {
  it("switches language on selection with JavaScript, and with its button without", async () => {
    const page = await session.open();
    await page.goto("/forgot-password");
    const switched = page.waitForResponse((response) => new URL(response.url()).pathname === "/language");
    await page.getByLabel("Language").selectOption("fr");
    expect((await switched).status()).toBe(303);
    // The switcher's answer redirects back here; wait for the French page itself.
    await page.locator("h1", { hasText: "Mot de passe oublié ?" }).waitFor();
    expect(page.url()).toEndWith("/forgot-password");

    const plain = await session.open({ javaScriptEnabled: false });
    await plain.goto("/forgot-password");
    await plain.getByLabel("Language").selectOption("ja");
    await submit(plain.getByRole("button", { name: "Change" }));
    expect(await plain.locator("h1").innerText()).toBe("パスワードをお忘れですか？");
    await plain.goto("/sign-in");
    expect(await plain.locator("h1").innerText()).toBe("サインイン");
  });

  it("answers an unknown page with the 404 page in the visitor's language", async () => {
    const page = await session.open({ locale: "es-ES" });
    const response = await page.goto("/sign-in/no-such-page");
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").innerText()).toBe("Página no encontrada");
    await session.check(page, "error-404");
  });
});
