/**
 * Social and OIDC sign-in end to end: the authorization-code + PKCE round trip against a real OpenID Connect
 * provider on loopback, walked hop by hop by a cookie-keeping client, then account linking, link-social,
 * unlink-account, account-info, get-access-token and refresh-token through the official better-auth client.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { type Browser, createBrowser } from "../../test/helpers/browser.ts";
import { type OidcPeer, startOidcPeer } from "../../test/helpers/oidc-peer.ts";
import { linkIn } from "../../test/helpers/smtp-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { call, createTenant, type UserJson } from "../../test/helpers/v1.ts";

const PROVIDER = "corp";
const PASSWORD = "password-123";
const SESSION_COOKIE = "gatehouse.session_token";
const GOOGLE_CLIENT_ID = "google-client-id.apps.googleusercontent.com";

let t: TestApp;
let peer: OidcPeer;
beforeAll(async () => {
  t = await createTestApp({
    env: { GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET: "google-client-secret" },
    envFor: async (baseUrl) => {
      peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
      return peer.env(PROVIDER);
    },
  });
  await t.listen();
});
afterAll(async () => {
  await t.close();
  await peer.close();
});

const welcome = () => `${t.baseUrl}/welcome`;
const db = () => t.deps.db.kysely;
const userByEmail = (email: string) =>
  db().selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();
const accountsOf = async (userId: string): Promise<string[]> =>
  (await db().selectFrom("account").select("providerId").where("userId", "=", userId).execute())
    .map((row) => String(row.providerId))
    .sort();

/** The official client, sending and keeping cookies in `browser` like a web page would. */
function clientIn(browser: Browser) {
  return createAuthClient({
    baseURL: t.baseUrl,
    fetchOptions: {
      headers: { origin: t.baseUrl },
      customFetchImpl: (input, init) => browser.fetch(input instanceof Request ? input.url : input, init),
    },
  });
}

function post(browser: Browser, path: string, body: unknown): Promise<Response> {
  return browser.fetch(`${t.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: t.baseUrl },
    body: JSON.stringify(body),
  });
}

/** True for a Gatehouse URL outside the OAuth callback: where the round trip hands back to the web app. */
const backInApp = (url: URL) => url.origin === t.baseUrl && !url.pathname.startsWith("/api/auth/callback/");

/** Goes from the provider's authorization URL to the page Gatehouse finally sends the browser to. */
async function authorizeAt(browser: Browser, authorizationUrl: string): Promise<URL> {
  const first = await browser.fetch(authorizationUrl);
  const { stoppedAt } = await browser.follow(authorizationUrl, first, backInApp);
  return stoppedAt;
}

/** POST /sign-in/social with the OIDC provider as `sub`, following every redirect; returns where it ended. */
async function signInWithProvider(browser: Browser, sub: string): Promise<URL> {
  peer.loginAs(sub);
  const response = await post(browser, "/sign-in/social", { provider: PROVIDER, callbackURL: welcome() });
  expect(response.status).toBe(200);
  const { url } = (await response.json()) as { url: string };
  return authorizeAt(browser, url);
}

async function sessionUser(browser: Browser) {
  const { data } = await clientIn(browser).getSession();
  return data?.user ?? null;
}

/** Signs a user up with e-mail + password and verifies the address through the mailed link. */
async function verifiedPasswordUser(email: string, name: string): Promise<string> {
  const { data, error } = await createAuthClient({ baseURL: t.baseUrl }).signUp.email({
    email,
    password: PASSWORD,
    name,
  });
  if (error || !data) throw new Error(`sign-up of ${email} failed: ${JSON.stringify(error)}`);
  const mail = await t.smtp.waitFor((m) => m.to.includes(email) && m.text.includes("/verify-email"));
  const verified = await fetch(linkIn(mail, t.baseUrl), { redirect: "manual" });
  expect([200, 302]).toContain(verified.status);
  expect((await userByEmail(email))?.emailVerified).toBeTruthy();
  return data.user.id;
}

async function passwordSignIn(browser: Browser, email: string): Promise<void> {
  const { error } = await clientIn(browser).signIn.email({ email, password: PASSWORD });
  expect(error).toBeNull();
}

/** Validates an access token the way a resource server would: at the provider's userinfo endpoint. */
async function userinfo(accessToken: string): Promise<{ status: number; sub?: string }> {
  const response = await fetch(`${peer.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  const body = response.ok ? ((await response.json()) as { sub: string }) : {};
  return { status: response.status, ...body };
}

describe("POST /api/auth/sign-in/social with an OIDC provider", () => {
  it("returns the provider's authorization URL with PKCE (S256), state, nonce and Gatehouse's callback", async () => {
    const response = await post(createBrowser(), "/sign-in/social", {
      provider: PROVIDER,
      callbackURL: welcome(),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { url: string; redirect: boolean };
    expect(body.redirect).toBe(true);
    const url = new URL(body.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${peer.issuer}/auth`);
    expect(url.searchParams.get("client_id")).toBe(peer.clientId);
    expect(url.searchParams.get("redirect_uri")).toBe(`${t.baseUrl}/api/auth/callback/${PROVIDER}`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("state")).toBeTruthy();
    expect(url.searchParams.get("nonce")).toBeTruthy();
    expect(url.searchParams.get("scope")?.split(" ")).toEqual(
      expect.arrayContaining(["openid", "email", "profile"]),
    );
  });

  it("creates a user with the provider's verified e-mail and opens a session", async () => {
    const browser = createBrowser();
    const landed = await signInWithProvider(browser, "alice-sub");
    expect(landed.href).toBe(welcome());
    expect(browser.cookie(t.baseUrl, SESSION_COOKIE)).toBeTruthy();

    const user = await sessionUser(browser);
    expect(user).toMatchObject({ email: "alice@corp.test", emailVerified: true, name: "Alice Corp" });
    const accounts = await db()
      .selectFrom("account")
      .selectAll()
      .where("userId", "=", user?.id ?? "")
      .execute();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ providerId: PROVIDER, accountId: "alice-sub" });
    // The provider refuses a code exchange without the verifier, so a session proves PKCE was used end to end.
    expect(peer.authorizationRequests.at(-1)?.get("code_challenge_method")).toBe("S256");
  });

  it("signs the same provider account in to the same user the next time", async () => {
    const browser = createBrowser();
    await signInWithProvider(browser, "alice-sub");
    const first = await sessionUser(browser);
    const again = createBrowser();
    await signInWithProvider(again, "alice-sub");
    const second = await sessionUser(again);
    expect(second?.id).toBe(first?.id ?? "missing");
    const users = await db().selectFrom("user").select("id").where("email", "=", "alice@corp.test").execute();
    expect(users).toHaveLength(1);
  });

  it("links the provider to an existing password user whose e-mail the provider verifies", async () => {
    const userId = await verifiedPasswordUser("bob@corp.test", "Bob Local");
    const browser = createBrowser();
    const landed = await signInWithProvider(browser, "bob-sub");
    expect(landed.href).toBe(welcome());
    expect((await sessionUser(browser))?.id).toBe(userId);
    // Linking does not change how the account was made: it keeps its password.
    expect(await sessionUser(browser)).toMatchObject({ authProvider: "local" });
    expect(await accountsOf(userId)).toEqual(["credential", PROVIDER].sort());

    const { data } = await clientIn(browser).listAccounts();
    expect(data?.map((account) => account.providerId).sort()).toEqual(["credential", PROVIDER].sort());
  });

  it("does not link nor sign in when the provider does not vouch for the e-mail", async () => {
    const userId = await verifiedPasswordUser("mallory@corp.test", "Mallory Local");
    const browser = createBrowser();
    const landed = await signInWithProvider(browser, "mallory-sub");
    expect(`${landed.origin}${landed.pathname}`).toBe(`${t.baseUrl}/api/auth/error`);
    expect(landed.searchParams.get("error")).toBe("account_not_linked");
    expect(browser.cookie(t.baseUrl, SESSION_COOKIE)).toBeUndefined();
    expect(await sessionUser(browser)).toBeNull();
    expect(await accountsOf(userId)).toEqual(["credential"]);
  });

  it("answers 404 PROVIDER_NOT_FOUND for a provider that is not configured", async () => {
    const response = await post(createBrowser(), "/sign-in/social", {
      provider: "nope",
      callbackURL: welcome(),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "PROVIDER_NOT_FOUND" });
  });
});

describe("authProvider of an account an OIDC sign-in creates", () => {
  it("is oidc in get-session and as auth_provider in GET /v1/users/{id}", async () => {
    const browser = createBrowser();
    await signInWithProvider(browser, "alice-sub");
    const user = await sessionUser(browser);
    expect(user).toMatchObject({ email: "alice@corp.test", authProvider: "oidc" });
    expect((await userByEmail("alice@corp.test"))?.authProvider).toBe("oidc");

    // Seen by the admin of a tenant the user joined through an invitation.
    const adminToken = await t.signIn(ADMIN.email, ADMIN.password);
    const tenant = await createTenant(t, adminToken, "oidc");
    const invited = await t.request("/api/auth/organization/invite-member", {
      token: adminToken,
      json: { email: "alice@corp.test", role: "user", organizationId: tenant },
    });
    expect(invited.status).toBe(200);
    const { id: invitationId } = (await invited.json()) as { id: string };
    const accepted = await post(browser, "/organization/accept-invitation", { invitationId });
    expect(accepted.status).toBe(200);

    const listed = await call<UserJson>(t, "GET", `/v1/users/${user?.id}`, { token: adminToken, tenant });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ id: user?.id, email: "alice@corp.test", auth_provider: "oidc" });
  });
});

describe("GET /api/auth/callback/:id refusals", () => {
  /** Runs the round trip up to the provider's redirect back to Gatehouse, without calling the callback. */
  async function codeAndState(browser: Browser, sub: string): Promise<URL> {
    peer.loginAs(sub);
    const response = await post(browser, "/sign-in/social", { provider: PROVIDER, callbackURL: welcome() });
    const { url } = (await response.json()) as { url: string };
    const first = await browser.fetch(url);
    const { stoppedAt } = await browser.follow(url, first, (next) => next.origin === t.baseUrl);
    expect(stoppedAt.pathname).toBe(`/api/auth/callback/${PROVIDER}`);
    expect(stoppedAt.searchParams.get("code")).toBeTruthy();
    return stoppedAt;
  }

  async function expectErrorRedirect(browser: Browser, callback: URL, error: string): Promise<void> {
    const response = await browser.fetch(callback);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "", t.baseUrl);
    expect(location.searchParams.get("error")).toBe(error);
    expect(browser.cookie(t.baseUrl, SESSION_COOKIE)).toBeUndefined();
    expect(await sessionUser(browser)).toBeNull();
  }

  it("refuses a forged state", async () => {
    const browser = createBrowser();
    const callback = await codeAndState(browser, "alice-sub");
    callback.searchParams.set("state", "forged-state-value");
    await expectErrorRedirect(browser, callback, "state_mismatch");
  });

  it("refuses a callback without state", async () => {
    const browser = createBrowser();
    const callback = await codeAndState(browser, "alice-sub");
    callback.searchParams.delete("state");
    await expectErrorRedirect(browser, callback, "state_not_found");
  });

  it("refuses a state started in another browser (login CSRF)", async () => {
    const victim = createBrowser();
    const callback = await codeAndState(createBrowser(), "bob-sub");
    await expectErrorRedirect(victim, callback, "state_mismatch");
  });

  it("refuses a tampered authorization code", async () => {
    const browser = createBrowser();
    const callback = await codeAndState(browser, "alice-sub");
    callback.searchParams.set("code", `${callback.searchParams.get("code")}x`);
    await expectErrorRedirect(browser, callback, "invalid_code");
  });

  it("passes on the provider's error", async () => {
    const browser = createBrowser();
    const callback = await codeAndState(browser, "alice-sub");
    callback.searchParams.delete("code");
    callback.searchParams.set("error", "access_denied");
    await expectErrorRedirect(browser, callback, "access_denied");
  });
});

describe("POST /api/auth/link-social and /unlink-account", () => {
  it("links the provider to the signed-in user, then unlinks it", async () => {
    const userId = await verifiedPasswordUser("carol@corp.test", "Carol");
    peer.addAccount({ sub: "carol-sub", email: "carol@corp.test", emailVerified: true, name: "Carol Corp" });
    const browser = createBrowser();
    await passwordSignIn(browser, "carol@corp.test");
    const client = clientIn(browser);

    peer.loginAs("carol-sub");
    const { data: link, error } = await client.linkSocial({
      provider: PROVIDER,
      callbackURL: welcome(),
      disableRedirect: true,
    });
    expect(error).toBeNull();
    const landed = await authorizeAt(browser, link?.url ?? "");
    expect(landed.href).toBe(welcome());
    expect(await accountsOf(userId)).toEqual(["credential", PROVIDER].sort());

    const { data: accounts } = await client.listAccounts();
    const linked = accounts?.find((account) => account.providerId === PROVIDER);
    expect(linked?.accountId).toBe("carol-sub");

    const { error: unlinkError } = await client.unlinkAccount({ accountId: linked?.id ?? "" });
    expect(unlinkError).toBeNull();
    expect(await accountsOf(userId)).toEqual(["credential"]);
  });

  it("refuses to link a provider account whose e-mail differs from the user's", async () => {
    const userId = await verifiedPasswordUser("dave@corp.test", "Dave");
    peer.addAccount({
      sub: "dave-other",
      email: "someone-else@corp.test",
      emailVerified: true,
      name: "Other",
    });
    const browser = createBrowser();
    await passwordSignIn(browser, "dave@corp.test");
    peer.loginAs("dave-other");
    const { data: link } = await clientIn(browser).linkSocial({
      provider: PROVIDER,
      callbackURL: welcome(),
      disableRedirect: true,
    });
    const landed = await authorizeAt(browser, link?.url ?? "");
    expect(landed.pathname).toBe("/api/auth/error");
    expect(landed.searchParams.get("error")).toBe("email_does_not_match");
    expect(await accountsOf(userId)).toEqual(["credential"]);
  });

  it("refuses to unlink the only account of a user (400)", async () => {
    peer.addAccount({ sub: "erin-sub", email: "erin@corp.test", emailVerified: true, name: "Erin" });
    const browser = createBrowser();
    await signInWithProvider(browser, "erin-sub");
    const client = clientIn(browser);
    const { data: accounts } = await client.listAccounts();
    expect(accounts).toHaveLength(1);
    const { error } = await client.unlinkAccount({ accountId: accounts?.[0]?.id ?? "" });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe("FAILED_TO_UNLINK_LAST_ACCOUNT");
    expect(await client.listAccounts().then(({ data }) => data?.length)).toBe(1);
  });

  it("answers 401 to link-social without a session", async () => {
    const response = await post(createBrowser(), "/link-social", {
      provider: PROVIDER,
      callbackURL: welcome(),
    });
    expect(response.status).toBe(401);
  });
});

describe("provider tokens and account info", () => {
  let browser: Browser;
  let accountRowId: string;
  beforeAll(async () => {
    peer.addAccount({ sub: "frank-sub", email: "frank@corp.test", emailVerified: true, name: "Frank Corp" });
    browser = createBrowser();
    await signInWithProvider(browser, "frank-sub");
    const { data } = await clientIn(browser).listAccounts();
    accountRowId = data?.find((account) => account.providerId === PROVIDER)?.id ?? "";
    expect(accountRowId).not.toBe("");
  });

  it("GET /account-info returns the provider's user info", async () => {
    const response = await browser.fetch(
      `${t.baseUrl}/api/auth/account-info?accountId=${encodeURIComponent(accountRowId)}`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      user: { email: "frank@corp.test", emailVerified: true, name: "Frank Corp" },
      data: { sub: "frank-sub", email: "frank@corp.test", email_verified: true },
      account: { id: accountRowId, providerId: PROVIDER, accountId: "frank-sub" },
    });
  });

  it("POST /account-info (older clients) answers the same", async () => {
    const response = await post(browser, "/account-info", { accountId: accountRowId });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      user: { email: "frank@corp.test" },
      account: { providerId: PROVIDER, accountId: "frank-sub" },
    });
  });

  it("account-info answers 400 ACCOUNT_NOT_FOUND for another user's account", async () => {
    const other = createBrowser();
    await signInWithProvider(other, "alice-sub");
    const response = await other.fetch(
      `${t.baseUrl}/api/auth/account-info?accountId=${encodeURIComponent(accountRowId)}`,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "ACCOUNT_NOT_FOUND" });
  });

  it("POST /get-access-token returns a token the provider accepts, refreshing it once expired", async () => {
    const client = clientIn(browser);
    const { data: current, error } = await client.getAccessToken({ accountId: accountRowId });
    expect(error).toBeNull();
    expect(await userinfo(current?.accessToken ?? "")).toMatchObject({ status: 200, sub: "frank-sub" });

    // Age the stored token instead of waiting an hour for it to expire.
    const context = await t.deps.auth.$context;
    await context.internalAdapter.updateAccount(accountRowId, {
      accessTokenExpiresAt: new Date(Date.now() - 60_000),
    });
    const { data: refreshed } = await client.getAccessToken({ accountId: accountRowId });
    expect(refreshed?.accessToken).toBeTruthy();
    expect(refreshed?.accessToken).not.toBe(current?.accessToken);
    expect(new Date(refreshed?.accessTokenExpiresAt ?? 0).getTime()).toBeGreaterThan(Date.now());
    expect(await userinfo(refreshed?.accessToken ?? "")).toMatchObject({ status: 200, sub: "frank-sub" });
  });

  it("POST /refresh-token exchanges the refresh token for a new access token", async () => {
    const client = clientIn(browser);
    const { data: before } = await client.getAccessToken({ accountId: accountRowId });
    const { data, error } = await client.refreshToken({ accountId: accountRowId });
    expect(error).toBeNull();
    expect(data).toMatchObject({ providerId: PROVIDER, accountId: accountRowId });
    expect(data?.refreshToken).toBeTruthy();
    expect(data?.accessToken).not.toBe(before?.accessToken);
    expect(await userinfo(data?.accessToken ?? "")).toMatchObject({ status: 200, sub: "frank-sub" });
  });

  it("get-access-token answers 401 without a session", async () => {
    const response = await post(createBrowser(), "/get-access-token", { accountId: accountRowId });
    expect(response.status).toBe(401);
  });
});

describe("built-in social providers", () => {
  it("sign-in/social with google returns Google's authorization URL without calling Google", async () => {
    const response = await post(createBrowser(), "/sign-in/social", {
      provider: "google",
      callbackURL: welcome(),
    });
    expect(response.status).toBe(200);
    const url = new URL(((await response.json()) as { url: string }).url);
    expect(`${url.origin}${url.pathname}`).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(url.searchParams.get("client_id")).toBe(GOOGLE_CLIENT_ID);
    expect(url.searchParams.get("redirect_uri")).toBe(`${t.baseUrl}/api/auth/callback/google`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it("a built-in provider without configuration is not offered (404)", async () => {
    const response = await post(createBrowser(), "/sign-in/social", {
      provider: "github",
      callbackURL: welcome(),
    });
    expect(response.status).toBe(404);
  });
});
