/**
 * /account in real Chromium: the profile saved, shown again and stored; a refused avatar shown beside its field;
 * axe and screenshots of the page; the profile saved with JavaScript switched off.
 */
import { expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser, expectAccessible, newContext, screenshots } from "../helpers/chromium.ts";
import { newUser, section, signInOnPage, useBrowserSuite, userRow } from "./account-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

describeBrowser("/account in Chromium", () => {
  const suite = useBrowserSuite();
  it("saves the profile (name, avatar, language), shows it again and stores it", async () => {
    const user = await newUser(suite.t, "profile");
    await signInOnPage(suite.page, user.email, user.password);
    await expectAccessible(suite.page);
    await screenshots(suite.page, "account-en");
    const profile = section(suite.page, "profile");
    await profile.getByLabel("Name").fill("Robin Renamed");
    await profile.getByLabel("Avatar (address of a picture)").fill("https://images.example.com/robin.png");
    await profile.getByLabel("Language of mails and pages").selectOption("de");
    await profile.getByRole("button", { name: "Save the profile" }).click();
    await suite.page.waitForURL("**/account?done=profile#profile");
    // The page follows the language just saved.
    expect(await suite.page.getByRole("status").innerText()).toBe("Ihr Profil wurde gespeichert.");
    expect(await section(suite.page, "profile").getByLabel("Anzeigename").inputValue()).toBe("Robin Renamed");
    expect(await userRow(suite.t, user.id)).toMatchObject({
      name: "Robin Renamed",
      image: "https://images.example.com/robin.png",
      locale: "de",
    });
  });

  it("shows a refused avatar beside its field and keeps what was typed", async () => {
    const user = await newUser(suite.t, "avatar");
    await signInOnPage(suite.page, user.email, user.password);
    const profile = section(suite.page, "profile");
    await profile.getByLabel("Avatar (address of a picture)").fill("javascript:alert(1)");
    await profile.getByRole("button", { name: "Save the profile" }).click();
    const field = section(suite.page, "profile").getByLabel("Avatar (address of a picture)");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await suite.page.locator("#profile-image-error").innerText()).toBe(
      "Enter an http:// or https:// address of a picture.",
    );
    expect(await field.inputValue()).toBe("javascript:alert(1)");
    expect((await userRow(suite.t, user.id))?.image).toBeNull();
  });

  it("works with JavaScript switched off: the profile form posts and the notice follows", async () => {
    const user = await newUser(suite.t, "nojs");
    const plain = await newContext(suite.browser, { baseURL: suite.t.baseUrl, javaScriptEnabled: false });
    try {
      const page = await plain.newPage();
      await signInOnPage(page, user.email, user.password);
      await section(page, "profile").getByLabel("Name").fill("Robin Plain");
      await section(page, "profile").getByRole("button", { name: "Save the profile" }).click();
      await page.waitForURL("**/account?done=profile#profile");
      expect(await page.getByRole("status").innerText()).toBe("Your profile has been saved.");
      expect((await userRow(suite.t, user.id))?.name).toBe("Robin Plain");
    } finally {
      await plain.close();
    }
  });
});
