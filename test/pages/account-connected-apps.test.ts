/**
 * /account's "Connected applications": the OpenID Provider clients a person consented to, with a plain form
 * that revokes one — its grant and every token under it (the next refresh fails, the next authorization asks
 * for consent again), recorded in the audit trail. Walked with the redirect-following test browser (no
 * JavaScript at all), as a relying party (openid-client) sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import * as oidc from "openid-client";
import type { Browser } from "../helpers/browser.ts";
import type { TestApp } from "../helpers/test-app.ts";
import {
  authorize,
  discover,
  PUBLIC,
  pkce,
  REDIRECT_URI,
  signedInBrowser,
  startProvider,
} from "../oidc/helpers.ts";
import { newUser } from "./account-steps.ts";

let gatehouse: TestApp;
let config: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startProvider();
  config = await discover(gatehouse, PUBLIC.id, undefined, oidc.None());
});
afterAll(async () => {
  await gatehouse.close();
});

const form = (browser: Browser, path: string, fields: Record<string, string>) =>
  browser.fetch(new URL(path, gatehouse.baseUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: gatehouse.baseUrl },
    body: new URLSearchParams(fields),
  });

const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";

/** Authorizes the public client; consents on the hosted page when asked. Returns where it stopped. */
async function authorizePublic(browser: Browser, consent: boolean) {
  const { verifier, challenge } = await pkce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid email offline_access",
    prompt: "consent",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "st",
  });
  const first = await authorize(browser, url);
  if (!consent || !first.stoppedAt.pathname.startsWith("/oidc/interaction/")) return { ...first, verifier };
  const path = `${first.stoppedAt.pathname}/consent`;
  const decision = await form(browser, path, { csrf: csrfOf(await first.last.text()), decision: "allow" });
  const back = await browser.follow(new URL(path, gatehouse.baseUrl), decision, (next) =>
    next.href.startsWith(REDIRECT_URI),
  );
  return { ...back, verifier };
}

async function connectedUser(label: string) {
  const user = await newUser(gatehouse, label);
  const browser = await signedInBrowser(gatehouse, user.email, user.password);
  const { stoppedAt, verifier } = await authorizePublic(browser, true);
  expect(stoppedAt.href).toStartWith(REDIRECT_URI);
  const tokens = await oidc.authorizationCodeGrant(config, stoppedAt, {
    pkceCodeVerifier: verifier,
    expectedState: "st",
  });
  expect(tokens.refresh_token).toBeString();
  return { user, browser, tokens };
}

async function accountPage(browser: Browser, path = "/account"): Promise<{ status: number; page: string }> {
  const response = await browser.fetch(new URL(path, gatehouse.baseUrl));
  return { status: response.status, page: await response.text() };
}

describe("/account connected applications", () => {
  it("lists the application consented to: its name, the access granted and when", async () => {
    const { browser } = await connectedUser("apps-list");
    const { status, page } = await accountPage(browser);
    expect(status).toBe(200);
    expect(page).toContain('<h2 id="connected-apps">Connected applications</h2>');
    const table = page.slice(page.indexOf('id="connected-apps"', page.indexOf("<table")));
    expect(table).toContain('<td data-label="Application">Public App</td>');
    expect(table).toContain("<li>Your e-mail address</li>");
    expect(table).toContain("<li>Stay connected when you are away</li>");
    expect(table).toContain(`value="${PUBLIC.id}"`);
    expect(table).toContain("Revoke access of Public App");
  });

  it("says so when no application has access", async () => {
    const user = await newUser(gatehouse, "apps-none");
    const browser = await signedInBrowser(gatehouse, user.email, user.password);
    const { page } = await accountPage(browser);
    expect(page).toContain("No application has access to your account.");
    expect(page).not.toContain('<table class="table" id="connected-apps">');
  });

  it("revokes the grant and its tokens: the refresh fails, the next authorization asks consent again", async () => {
    const { user, browser, tokens } = await connectedUser("apps-revoke");
    const { page } = await accountPage(browser);
    const response = await form(browser, "/account/connected-apps/revoke", {
      csrf: csrfOf(page),
      client: PUBLIC.id,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/account?done=app-revoked#connected-apps");
    const after = await accountPage(browser, response.headers.get("location") ?? "");
    expect(after.page).toContain("The application&#39;s access has been revoked.");
    expect(after.page).toContain("No application has access to your account.");

    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? "")).rejects.toMatchObject({
      error: "invalid_grant",
    });
    const left = await gatehouse.deps.db.kysely
      .selectFrom("oidc_payload")
      .select(["model", "payload"])
      .where("accountId", "=", user.id)
      .where("model", "in", ["Grant", "AccessToken", "RefreshToken", "AuthorizationCode"])
      .execute();
    expect(left).toEqual([]);

    const again = await authorizePublic(browser, false);
    expect(again.stoppedAt.pathname).toStartWith("/oidc/interaction/");
    expect(await again.last.text()).toContain("Allow access?");

    const events = await gatehouse.deps.db.kysely
      .selectFrom("audit_event")
      .select(["type", "actorId", "subjectType", "subjectId"])
      .where("type", "=", "oauth_grant.revoked")
      .where("actorId", "=", user.id)
      .execute();
    expect(events).toEqual([
      { type: "oauth_grant.revoked", actorId: user.id, subjectType: "oauth_client", subjectId: PUBLIC.id },
    ]);
  });

  it("refuses a post without the form's CSRF token (403) and keeps the grant", async () => {
    const { browser, tokens } = await connectedUser("apps-csrf");
    const response = await form(browser, "/account/connected-apps/revoke", { client: PUBLIC.id });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("The form had expired.");
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? "");
    expect(refreshed.access_token).toBeString();
  });

  it("revokes only the signed-in account's grant: another account's stays (404 for the one without)", async () => {
    const owner = await connectedUser("apps-owner");
    const other = await newUser(gatehouse, "apps-other");
    const browser = await signedInBrowser(gatehouse, other.email, other.password);
    const { page } = await accountPage(browser);
    const response = await form(browser, "/account/connected-apps/revoke", {
      csrf: csrfOf(page),
      client: PUBLIC.id,
    });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("That application has no access to your account.");
    const refreshed = await oidc.refreshTokenGrant(config, owner.tokens.refresh_token ?? "");
    expect(refreshed.access_token).toBeString();
  });

  it("sends a visitor without a session to the sign-in page", async () => {
    const response = await fetch(`${gatehouse.baseUrl}/account/connected-apps/revoke`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: gatehouse.baseUrl },
      body: new URLSearchParams({ client: PUBLIC.id }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toStartWith("/sign-in");
  });
});
