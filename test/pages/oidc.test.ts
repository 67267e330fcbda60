/**
 * OIDC sign-in from /sign-in in Chromium: the provider's button, the round trip through the OIDC test peer
 * (authorization code + PKCE), back to /account — or to an allowed redirect_to.
 */
import { afterAll, expect, it } from "bun:test";
import { describeBrowser } from "../helpers/chromium.ts";
import { type OidcPeer, startOidcPeer } from "../helpers/oidc-peer.ts";
import { pageSession } from "../helpers/page-session.ts";

const PROVIDER = "corp";
let peer: OidcPeer | undefined;
const session = pageSession({
  envFor: async (baseUrl) => {
    peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
    return peer.env(PROVIDER);
  },
});
afterAll(async () => {
  await peer?.close();
});

describeBrowser("OIDC sign-in in Chromium", () => {
  it("signs in through the provider's button and lands on /account", async () => {
    peer?.loginAs("alice-sub");
    const page = await session.open();
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Continue with corp" }).click();
    await page.waitForURL("**/account");
    expect(await page.locator("main").innerText()).toContain("Alice Corp");
    const user = await session.t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", "alice@corp.test")
      .executeTakeFirst();
    expect(user?.id).toBeString();
  });

  it("returns to an allowed redirect_to after the round trip", async () => {
    peer?.loginAs("bob-sub");
    const page = await session.open();
    await page.goto("/sign-in?redirect_to=%2Fsign-out");
    await page.getByRole("link", { name: "Continue with corp" }).click();
    await page.waitForURL("**/sign-out");
    expect(await page.locator("h1").innerText()).toBe("Sign out");
  });
});
