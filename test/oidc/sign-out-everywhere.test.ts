/**
 * Signing a user out everywhere ends what the OpenID Provider holds for them, by every route that does it
 * (src/auth/plugins/sessions-ended.ts): the refresh token a relying party (openid-client) holds is refused, the
 * provider's rows for the account (session, grant, refresh token) are gone, and a silent authorization from a
 * browser whose session ended answers `login_required`. Where only the *other* sessions end (a password change,
 * /revoke-other-sessions), the caller's browser still gets through an authorization without signing in again.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import * as oidc from "openid-client";
import type { Browser } from "../helpers/browser.ts";
import { linkIn } from "../helpers/smtp-peer.ts";
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
let adminToken: string;

beforeAll(async () => {
  gatehouse = await startProvider();
  config = await discover(gatehouse, CONFIDENTIAL.id, CONFIDENTIAL.secret);
  adminToken = await gatehouse.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await gatehouse.close();
});

const PASSWORD = "everywhere-password-1";
const NEW_PASSWORD = "everywhere-password-2";
let accounts = 0;

interface Signed {
  readonly email: string;
  readonly userId: string;
  /** The browser that authorized the client (and holds a provider session). */
  readonly browser: Browser;
  readonly refreshToken: string;
  /** The grants the provider holds for the account, to check their rows are gone. */
  readonly grantIds: readonly string[];
}

/** A new account, signed in in a browser that authorized the confidential client for offline access. */
async function signedInWithRefreshToken(): Promise<Signed> {
  accounts += 1;
  const email = `everywhere-${accounts}@gatehouse.test`;
  const created = await gatehouse.request("/api/auth/admin/create-user", {
    token: adminToken,
    json: { email, password: PASSWORD, name: "Everywhere" },
  });
  expect(created.status).toBe(200);
  const userId = ((await created.json()) as { user: { id: string } }).user.id;
  const browser = await signedInBrowser(gatehouse, email, PASSWORD);
  const { verifier, challenge } = await pkce();
  const { stoppedAt } = await authorize(
    browser,
    oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid email offline_access",
      // offline_access is granted only with a consent prompt (OpenID Connect Core 1.0, section 11).
      prompt: "consent",
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: oidc.randomState(),
    }),
  );
  const tokens = await oidc.authorizationCodeGrant(config, stoppedAt, {
    pkceCodeVerifier: verifier,
    expectedState: stoppedAt.searchParams.get("state") ?? "",
  });
  expect(tokens.refresh_token).toBeString();
  const rows = await providerRows(userId);
  expect(rows.models).toEqual(expect.arrayContaining(["Grant", "RefreshToken", "Session"]));
  return { email, userId, browser, refreshToken: String(tokens.refresh_token), grantIds: rows.grantIds };
}

/** The models of the provider's rows for the account, directly or under one of `grantIds`. */
async function providerRows(userId: string, grantIds: readonly string[] = []) {
  const rows = await gatehouse.deps.db.kysely
    .selectFrom("oidc_payload")
    .select(["model", "grantId"])
    .where((eb) =>
      grantIds.length > 0
        ? eb.or([
            eb("accountId", "=", userId),
            eb("grantId", "in", [...grantIds]),
            eb("id", "in", [...grantIds]),
          ])
        : eb("accountId", "=", userId),
    )
    .execute();
  return {
    models: [...new Set(rows.map((row) => String(row.model)))].sort(),
    grantIds: [...new Set(rows.flatMap((row) => (row.grantId ? [String(row.grantId)] : [])))],
  };
}

/** What a relying party sees of a refresh: the error code, or "refreshed". */
async function refresh(refreshToken: string): Promise<string> {
  try {
    await oidc.refreshTokenGrant(config, refreshToken);
    return "refreshed";
  } catch (error) {
    return String((error as { error?: unknown }).error ?? error);
  }
}

/**
 * An authorization from `browser` (prompt=none unless `prompt` is null): the `code` or the `error` the client got
 * back, or the path of the Gatehouse page the browser was sent to.
 */
async function authorizeFrom(browser: Browser, prompt: "none" | null = "none") {
  const { challenge } = await pkce();
  const { stoppedAt } = await authorize(
    browser,
    oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid email",
      ...(prompt ? { prompt } : {}),
      code_challenge: challenge,
      code_challenge_method: "S256",
    }),
  );
  if (!stoppedAt.href.startsWith(REDIRECT_URI)) return stoppedAt.pathname;
  return stoppedAt.searchParams.has("code") ? "code" : String(stoppedAt.searchParams.get("error"));
}

/** Everything the provider held for the account is gone, and `browser` has to sign in again. */
async function expectProviderEnded(signed: Signed, browser: Browser | null = signed.browser) {
  expect(await refresh(signed.refreshToken)).toBe("invalid_grant");
  expect((await providerRows(signed.userId, signed.grantIds)).models).toEqual([]);
  if (browser) expect(await authorizeFrom(browser)).toBe("login_required");
}

const post = (browser: Browser, path: string, json: unknown = {}) =>
  browser.fetch(`${gatehouse.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: gatehouse.baseUrl },
    body: JSON.stringify(json),
  });

describe("signing a user out everywhere ends their provider sessions and refresh tokens", () => {
  it("before any of it, a refresh works and a silent authorization gives a code", async () => {
    const signed = await signedInWithRefreshToken();
    expect(await authorizeFrom(signed.browser)).toBe("code");
    expect(await refresh(signed.refreshToken)).toBe("refreshed");
  });

  it("POST /api/auth/revoke-sessions (the user, everywhere)", async () => {
    const signed = await signedInWithRefreshToken();
    expect((await post(signed.browser, "/api/auth/revoke-sessions")).status).toBe(200);
    await expectProviderEnded(signed);
  });

  it("POST /api/auth/admin/revoke-user-sessions (a platform admin)", async () => {
    const signed = await signedInWithRefreshToken();
    const revoked = await gatehouse.request("/api/auth/admin/revoke-user-sessions", {
      token: adminToken,
      json: { userId: signed.userId },
    });
    expect(revoked.status).toBe(200);
    await expectProviderEnded(signed);
  });

  it("a password reset (revokeSessionsOnPasswordReset)", async () => {
    const signed = await signedInWithRefreshToken();
    const asked = await gatehouse.request("/api/auth/request-password-reset", {
      json: { email: signed.email, redirectTo: "/reset" },
    });
    expect(asked.status).toBe(200);
    const mail = await gatehouse.smtp.waitFor(
      (sent) => sent.to.includes(signed.email) && sent.text.includes("/api/auth/reset-password/"),
    );
    const token = new URL(linkIn(mail, `${gatehouse.baseUrl}/api/auth`)).pathname.split("/").at(-1) ?? "";
    const reset = await gatehouse.request("/api/auth/reset-password", {
      json: { token, newPassword: NEW_PASSWORD },
    });
    expect(reset.status).toBe(200);
    await expectProviderEnded(signed);
  });

  it("POST /v1/admin/remove-all-sessions (Hasura dialect → the account service's end sessions)", async () => {
    const signed = await signedInWithRefreshToken();
    const row = await gatehouse.deps.db.kysely
      .selectFrom("user")
      .select("numericId")
      .where("id", "=", signed.userId)
      .executeTakeFirstOrThrow();
    const removed = await gatehouse.request("/v1/admin/remove-all-sessions", {
      token: adminToken,
      json: { hasura_id: Number(row.numericId) },
    });
    expect(removed.status).toBe(200);
    await expectProviderEnded(signed);
  });
});

describe("signing out of one browser", () => {
  it("ends single sign-on there but keeps the refresh token (offline access outlives a sign-out)", async () => {
    const signed = await signedInWithRefreshToken();
    expect((await post(signed.browser, "/api/auth/sign-out")).status).toBe(200);
    expect(await authorizeFrom(signed.browser)).toBe("login_required");
    expect(await refresh(signed.refreshToken)).toBe("refreshed");
  });
});

describe("ending the user's other sessions ends their provider grants too; the caller stays signed in", () => {
  /** The account signed in in a second browser, the one that ends the others. */
  async function withCaller() {
    const signed = await signedInWithRefreshToken();
    return { signed, caller: await signedInBrowser(gatehouse, signed.email, PASSWORD) };
  }

  it("POST /api/auth/change-password (revokeOtherSessions by default)", async () => {
    const { signed, caller } = await withCaller();
    const changed = await post(caller, "/api/auth/change-password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).toBe(200);
    await expectProviderEnded(signed);
    // Its Gatehouse session is kept: an authorization goes through without a sign-in page.
    expect(await authorizeFrom(caller, null)).toBe("code");
  });

  it("POST /api/auth/revoke-other-sessions", async () => {
    const { signed, caller } = await withCaller();
    expect((await post(caller, "/api/auth/revoke-other-sessions")).status).toBe(200);
    await expectProviderEnded(signed);
    // Its Gatehouse session is kept: an authorization goes through without a sign-in page.
    expect(await authorizeFrom(caller, null)).toBe("code");
  });

  it("POST /v1/user/change-password (Hasura dialect, Bearer session)", async () => {
    const signed = await signedInWithRefreshToken();
    const token = await gatehouse.signIn(signed.email, PASSWORD);
    const changed = await gatehouse.request("/v1/user/change-password", {
      token,
      json: { old_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);
    await expectProviderEnded(signed);
    // The caller's session is kept (src/identity/accounts/credentials.ts changePassword).
    const still = await gatehouse.request("/api/auth/get-session", { token });
    expect(((await still.json()) as { user?: { id: string } } | null)?.user?.id).toBe(signed.userId);
  });
});
