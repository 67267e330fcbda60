/**
 * What the OpenID Provider refuses, as a relying party sees it: an unregistered redirect_uri (an error page, no
 * redirect), PKCE missing or wrong, a code used twice (and the tokens of its first use revoked), a wrong client
 * secret, a reused refresh token (the family revoked), prompt=none without a session, a signed-out or banned
 * user, and a client of one tenant asking for another.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import * as oidc from "openid-client";
import { ADMIN, type TestApp } from "../helpers/test-app.ts";
import {
  authorize,
  CONFIDENTIAL,
  discover,
  pkce,
  REDIRECT_URI,
  signedInBrowser,
  startProvider,
} from "./helpers.ts";

let gatehouse: TestApp;
let config: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startProvider();
  config = await discover(gatehouse, CONFIDENTIAL.id, CONFIDENTIAL.secret);
});
afterAll(async () => {
  await gatehouse.close();
});

/** A code for the confidential client, from a browser signed in as `email`. */
async function codeFor(email: string, password: string, extra: Record<string, string> = {}) {
  const browser = await signedInBrowser(gatehouse, email, password);
  const { verifier, challenge } = await pkce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid email offline_access",
    prompt: "consent",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
    ...extra,
  });
  const { stoppedAt } = await authorize(browser, url);
  return { browser, verifier, state, callback: stoppedAt };
}

async function tokenRequest(body: Record<string, string>, secret: string = CONFIDENTIAL.secret) {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${CONFIDENTIAL.id}:${secret}`)}`,
    },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const exchange = (code: string, verifier: string) =>
  tokenRequest({
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
  });

const introspect = async (token: string) => (await oidc.tokenIntrospection(config, token)).active;

describe("the authorization endpoint", () => {
  it("shows an error page and does not redirect to a redirect_uri that is not registered", async () => {
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: "https://evil.example/cb",
      scope: "openid",
      code_challenge: (await pkce()).challenge,
      code_challenge_method: "S256",
    });
    const response = await browser.fetch(url);
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("redirect_uri");
  });

  it("answers prompt=none without a session with login_required at the redirect_uri", async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      prompt: "none",
      state: "s1",
      code_challenge: (await pkce()).challenge,
      code_challenge_method: "S256",
    });
    const response = await fetch(url, { redirect: "manual" });
    const location = new URL(response.headers.get("location") ?? "", gatehouse.baseUrl);
    expect(location.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(location.searchParams.get("error")).toBe("login_required");
    expect(location.searchParams.get("state")).toBe("s1");
  });

  it("ends single sign-on when the user signs out of Gatehouse", async () => {
    const { browser } = await codeFor(ADMIN.email, ADMIN.password);
    const signOut = await browser.fetch(`${gatehouse.baseUrl}/api/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: gatehouse.baseUrl },
      body: "{}",
    });
    expect(signOut.status).toBe(200);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      prompt: "none",
      code_challenge: (await pkce()).challenge,
      code_challenge_method: "S256",
    });
    const { stoppedAt } = await authorize(browser, url);
    expect(stoppedAt.searchParams.get("error")).toBe("login_required");
  });

  it("refuses a client of one tenant asking for another tenant", async () => {
    const { callback } = await codeFor(ADMIN.email, ADMIN.password, { tenant: "some-other-tenant" });
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("code")).toBeNull();
  });
});

describe("the token endpoint", () => {
  it("refuses a missing or wrong PKCE verifier", async () => {
    const { verifier, callback } = await codeFor(ADMIN.email, ADMIN.password);
    const code = callback.searchParams.get("code") ?? "";
    const missing = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe("invalid_grant");
    const wrong = await exchange(code, `${verifier.slice(0, -4)}AAAA`);
    expect(wrong.body.error).toBe("invalid_grant");
  });

  it("refuses a code used twice and revokes the tokens of its first use", async () => {
    const { verifier, callback } = await codeFor(ADMIN.email, ADMIN.password);
    const code = callback.searchParams.get("code") ?? "";
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    const accessToken = String(first.body.access_token);
    expect(await introspect(accessToken)).toBe(true);
    const second = await exchange(code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe("invalid_grant");
    expect(await introspect(accessToken)).toBe(false);
    expect(await introspect(String(first.body.refresh_token))).toBe(false);
  });

  it("refuses a wrong client secret with invalid_client", async () => {
    const { verifier, callback } = await codeFor(ADMIN.email, ADMIN.password);
    const result = await tokenRequest(
      {
        grant_type: "authorization_code",
        code: callback.searchParams.get("code") ?? "",
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      },
      "not-the-secret",
    );
    expect(result.status).toBe(401);
    expect(result.body.error).toBe("invalid_client");
  });

  it("rotates refresh tokens and revokes the family when an old one is used again", async () => {
    const { verifier, callback } = await codeFor(ADMIN.email, ADMIN.password);
    const first = await exchange(callback.searchParams.get("code") ?? "", verifier);
    const original = String(first.body.refresh_token);
    const rotated = await tokenRequest({ grant_type: "refresh_token", refresh_token: original });
    expect(rotated.status).toBe(200);
    const next = String(rotated.body.refresh_token);
    expect(next).not.toBe(original);
    const reused = await tokenRequest({ grant_type: "refresh_token", refresh_token: original });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");
    // The whole family: the token the rotation issued no longer works either.
    const afterReuse = await tokenRequest({ grant_type: "refresh_token", refresh_token: next });
    expect(afterReuse.body.error).toBe("invalid_grant");
    expect(await introspect(String(rotated.body.access_token))).toBe(false);
  });

  it("stops a banned user's tokens at userinfo and refresh", async () => {
    const email = "banned-later@gatehouse.test";
    const password = "banned-later-password-1";
    const adminToken = await gatehouse.signIn(ADMIN.email, ADMIN.password);
    const created = await gatehouse.request("/api/auth/admin/create-user", {
      token: adminToken,
      json: { email, password, name: "Banned Later" },
    });
    expect(created.status).toBe(200);
    const userId = ((await created.json()) as { user: { id: string } }).user.id;
    const { verifier, callback } = await codeFor(email, password);
    const tokens = await exchange(callback.searchParams.get("code") ?? "", verifier);
    expect(tokens.status).toBe(200);
    const userinfo = () =>
      fetch(`${gatehouse.baseUrl}/oidc/userinfo`, {
        headers: { authorization: `Bearer ${tokens.body.access_token}` },
      });
    expect((await userinfo()).status).toBe(200);
    const banned = await gatehouse.request("/api/auth/admin/ban-user", {
      token: adminToken,
      json: { userId },
    });
    expect(banned.status).toBe(200);
    expect((await userinfo()).status).toBe(401);
    const refreshed = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: String(tokens.body.refresh_token),
    });
    expect(refreshed.body.error).toBe("invalid_grant");
  });
});
