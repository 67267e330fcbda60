/** /account in real Chromium in German and Japanese: no English left on the suite.page, axe, screenshots. */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible, screenshots } from "../helpers/chromium.ts";
import { newUser, signInOnPage, useBrowserSuite } from "./account-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

/** Words of the English page that must not be left on a translated one (user data has none of them). */
const ENGLISH =
  /\b(your|account|profile|password|session|sessions|sign|linked|delete|device|address|verification|save|change|the)\b/i;

describeBrowser("/account translated in Chromium", () => {
  const suite = useBrowserSuite();
  for (const lang of ["de", "ja"] as const) {
    it(`shows the whole page in ${lang} with no English left, and passes axe`, async () => {
      const user = await newUser(suite.t, `lang-${lang}`, "Jun Kato");
      const second = await suite.t.signIn(user.email, user.password);
      expect(second).toBeTruthy();
      await signInOnPage(suite.page, user.email, user.password);
      await suite.page.goto(`/account?lang=${lang}`);
      expect(await suite.page.getAttribute("html", "lang")).toBe(lang);
      const text = (await suite.page.locator("body").innerText())
        .replaceAll(user.email, "")
        .replaceAll(user.name, "");
      expect(text).not.toMatch(ENGLISH);
      await expectAccessible(suite.page);
      await screenshots(suite.page, `account-${lang}`);
    });
  }
});
