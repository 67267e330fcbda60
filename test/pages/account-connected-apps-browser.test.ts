/**
 * /account's "Connected applications" in real Chromium: revoked with JavaScript switched off (a plain form),
 * and in German with axe and screenshots. The grant is written as oidc-provider stores it; the whole flow
 * through consent is test/pages/account-connected-apps.test.ts and oidc-provider-browser.test.ts.
 */
import { expect, it } from "bun:test";
import { saveClient } from "../../src/http/oidc/clients.ts";
import { dateParam } from "../../src/platform/db/values.ts";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession, submit } from "../helpers/page-session.ts";
import { newUser, signInOnPage } from "./account-steps.ts";

const session = pageSession();
const CLIENT = { id: "photo-printer", name: "Photo Printer" } as const;

async function grantTo(userId: string): Promise<string> {
  const { db } = session.t.deps;
  await saveClient(db, {
    client_id: CLIENT.id,
    client_name: CLIENT.name,
    redirect_uris: ["https://p.example/cb"],
  });
  const id = `grant-${crypto.randomUUID()}`;
  const iat = Math.floor(Date.now() / 1000);
  await db.kysely
    .insertInto("oidc_payload")
    .values({
      model: "Grant",
      id,
      payload: JSON.stringify({
        jti: id,
        accountId: userId,
        clientId: CLIENT.id,
        openid: { scope: "openid email offline_access" },
        iat,
        exp: iat + 3600,
      }),
      grantId: null,
      userCode: null,
      uid: null,
      accountId: userId,
      expiresAt: dateParam(db.dialect, new Date((iat + 3600) * 1000)),
      consumedAt: null,
    })
    .execute();
  return id;
}

describeBrowser("/account connected applications in Chromium", () => {
  it("revokes an application with JavaScript off", async () => {
    const user = await newUser(session.t, "apps-nojs");
    const grantId = await grantTo(user.id);
    const page = await session.open({ javaScriptEnabled: false });
    await signInOnPage(page, user.email, user.password);
    const apps = page.locator("section", { has: page.locator("#connected-apps") });
    expect(await apps.innerText()).toContain(CLIENT.name);
    expect(await apps.innerText()).toContain("Your e-mail address");
    await submit(apps.getByRole("button", { name: `Revoke access of ${CLIENT.name}` }));
    expect(page.url()).toContain("/account?done=app-revoked");
    expect(await page.getByRole("status").first().innerText()).toContain("access has been revoked");
    expect(await apps.innerText()).toContain("No application has access to your account.");
    const left = await session.t.deps.db.kysely
      .selectFrom("oidc_payload")
      .select("id")
      .where("id", "=", grantId)
      .execute();
    expect(left).toEqual([]);
  });

  it("shows the section in German and passes axe", async () => {
    const user = await newUser(session.t, "apps-de", "Jun Kato");
    await grantTo(user.id);
    const page = await session.open();
    await signInOnPage(page, user.email, user.password);
    await page.goto("/account?lang=de#connected-apps");
    const apps = page.locator("section", { has: page.locator("#connected-apps") });
    const text = await apps.innerText();
    expect(text).toContain("Verbundene Anwendungen");
    expect(text).toContain(`Zugriff von ${CLIENT.name} widerrufen`);
    expect(text).toContain("Ihre E-Mail-Adresse");
    await session.check(page, "account-connected-apps-de");
  });
});
