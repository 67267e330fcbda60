/** /account in real Chromium: linking an OIDC provider (through the OIDC test peer) and unlinking it. */
import { afterAll, expect, it, setDefaultTimeout } from "bun:test";
import { describeBrowser } from "../helpers/chromium.ts";
import { type OidcPeer, startOidcPeer } from "../helpers/oidc-peer.ts";
import { newUser, section, signInOnPage, useBrowserSuite } from "./account-steps.ts";

// A browser test walks several pages and runs axe; 5 s (bun's default) is too short for that, not a hang.
setDefaultTimeout(30_000);

const PROVIDER = "corp";
let peer: OidcPeer;

describeBrowser("/account in Chromium", () => {
  const suite = useBrowserSuite({
    envFor: async (baseUrl) => {
      peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
      return peer.env(PROVIDER);
    },
  });
  afterAll(() => peer?.close());

  it("links the OIDC provider through the provider's sign-in, lists it, and unlinks it", async () => {
    const user = await newUser(suite.t, "linked");
    peer.addAccount({ sub: `sub-${user.id}`, email: user.email, emailVerified: true, name: user.name });
    peer.loginAs(`sub-${user.id}`);
    await signInOnPage(suite.page, user.email, user.password);
    const linked = section(suite.page, "linked");
    expect(await linked.locator("tbody tr").count()).toBe(1);
    await linked.getByRole("link", { name: `Link ${PROVIDER}` }).click();
    await suite.page.waitForURL("**/account?done=linked");
    expect(await suite.page.getByRole("status").innerText()).toBe("The account has been linked.");
    const rows = section(suite.page, "linked").locator("tbody tr");
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining("E-mail address and password"),
      expect.stringContaining(PROVIDER),
    ]);
    const providers = async () =>
      (
        await suite.t.deps.db.kysely
          .selectFrom("account")
          .select("providerId")
          .where("userId", "=", user.id)
          .execute()
      )
        .map((row) => row.providerId)
        .sort();
    expect(await providers()).toEqual(["corp", "credential"]);

    await section(suite.page, "linked")
      .getByRole("button", { name: `Unlink ${PROVIDER}` })
      .click();
    await suite.page.waitForURL("**/account?done=unlinked#linked");
    expect(await providers()).toEqual(["credential"]);
    expect(
      await section(suite.page, "linked")
        .getByRole("link", { name: `Link ${PROVIDER}` })
        .count(),
    ).toBe(1);
  });
});
