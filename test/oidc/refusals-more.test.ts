/**
 * More of what the OpenID Provider refuses (issue 13): an expired authorization code, an RP-initiated logout to a
 * post_logout_redirect_uri the client did not register, a silent login where the client asked for a fresh one
 * (`prompt=login`, `max_age=0`), and a code or a refresh token raced by parallel token requests. Also
 * `login_hint` pre-filling the hosted sign-in page.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, setSystemTime } from "bun:test";
import * as oidc from "openid-client";
import { TTL } from "../../src/http/oidc/provider.ts";
import type { Browser } from "../helpers/browser.ts";
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
afterEach(() => {
  // Back to the real clock, whatever a test did with it.
  setSystemTime();
});

/** A code for the (first-party) confidential client, from `browser`. */
async function codeFor(browser: Browser, extra: Record<string, string> = {}) {
  const { verifier, challenge } = await pkce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid email",
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...extra,
  });
  const { stoppedAt } = await authorize(browser, url);
  return { verifier, callback: stoppedAt };
}

async function exchange(code: string, verifier: string) {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the token endpoint", () => {
  it("refuses an authorization code past its lifetime with invalid_grant", async () => {
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { verifier, callback } = await codeFor(browser);
    const code = callback.searchParams.get("code");
    expect(code).toBeTruthy();
    // The clock of this process (the server's too) moves past the code's lifetime; no waiting.
    setSystemTime(new Date(Date.now() + (TTL.AuthorizationCode + 5) * 1000));
    const late = await exchange(code ?? "", verifier);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe("invalid_grant");
    expect(late.body.access_token).toBeUndefined();
  });
});

describe("RP-initiated logout", () => {
  it("shows an error page and does not redirect to a post_logout_redirect_uri that is not registered", async () => {
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    await codeFor(browser);
    const url = new URL(`${gatehouse.baseUrl}/oidc/session/end`);
    url.searchParams.set("client_id", CONFIDENTIAL.id);
    url.searchParams.set("post_logout_redirect_uri", "https://evil.example/bye");
    // A browser's Accept header: oidc-provider answers others in JSON (lib/shared/error_handler.js).
    const response = await browser.fetch(url, { headers: { accept: "text/html" } });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    const body = await response.text();
    expect(body).toContain("post_logout_redirect_uri");
    expect(body).not.toContain("evil.example");
  });
});

describe("a client asking for a fresh sign-in", () => {
  // prompt=login right after the sign-in (the same second, most runs); max_age=0 a few seconds later, since an
  // authentication of the current second satisfies max_age=0 (oidc-provider's Session#past).
  for (const [extra, later] of [
    [{ prompt: "login" }, 0],
    [{ max_age: "0" }, 5],
  ] as const) {
    it(`sends a signed-in browser to the hosted sign-in page for ${JSON.stringify(extra)}`, async () => {
      const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
      // One authorization first: the provider then has its own session for this browser as well.
      expect((await codeFor(browser)).callback.searchParams.get("code")).toBeTruthy();
      if (later) setSystemTime(new Date(Date.now() + later * 1000));
      const { callback } = await codeFor(browser, extra);
      expect(callback.searchParams.get("code")).toBeNull();
      expect(callback.origin).toBe(gatehouse.baseUrl);
      expect(callback.pathname).toBe("/sign-in");
      expect(callback.searchParams.get("redirect_to")).toStartWith("/oidc/interaction/");
    });
  }

  it("issues a code once the browser has signed in again after prompt=login", async () => {
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { verifier, callback } = await codeFor(browser, { prompt: "login" });
    expect(callback.pathname).toBe("/sign-in");
    // The new sign-in happens in a later second than the interaction (a person takes longer than that).
    const signedInAt = Math.floor(Date.now() / 1000) + 2;
    setSystemTime(new Date(signedInAt * 1000));
    const again = await browser.fetch(`${gatehouse.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: gatehouse.baseUrl },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    expect(again.status).toBe(200);
    const back = new URL(callback.searchParams.get("redirect_to") ?? "", gatehouse.baseUrl);
    const { stoppedAt } = await browser.follow(back, await browser.fetch(back), (next) =>
      next.href.startsWith(REDIRECT_URI),
    );
    const code = stoppedAt.searchParams.get("code");
    expect(code).toBeTruthy();
    const tokens = await exchange(code ?? "", verifier);
    expect(tokens.status).toBe(200);
    const idToken = String(tokens.body.id_token);
    const claims = JSON.parse(atob(idToken.split(".")[1]?.replace(/-/g, "+").replace(/_/g, "/") ?? ""));
    expect(claims.auth_time).toBe(signedInAt);
  });

  it("pre-fills the sign-in page's e-mail field from login_hint, escaped", async () => {
    const hint = 'ada"><script>x</script>@gatehouse.test';
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { callback } = await codeFor(browser, { prompt: "login", login_hint: hint });
    expect(callback.pathname).toBe("/sign-in");
    expect(callback.searchParams.get("login_hint")).toBe(hint);
    const page = await browser.fetch(callback);
    expect(page.status).toBe(200);
    const body = await page.text();
    const input = body.match(/<input id="f-identifier"[^>]*>/)?.[0] ?? "";
    expect(input).toContain('value="ada&quot;&gt;&lt;script&gt;x&lt;/script&gt;@gatehouse.test"');
    expect(body).not.toContain("<script>x</script>");
  });
});

// Parallel requests for one code: oidc-provider checks `consumed` on what it read and then consumes without
// looking at the result, so the adapter's conditional stamp decides (src/http/oidc/adapter.ts consume). Eight
// requests are sent together in each of many trials so that some of them read the code before any stamps it.
const RACERS = 8;
const TRIALS = 12;
// Each trial is a whole authorization and eight token requests: seconds in all on a loaded machine.
const RACE_TIMEOUT_MS = 60_000;

async function introspect(token: string) {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/token/introspection`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    },
    body: new URLSearchParams({ token }),
  });
  return (await response.json()) as { active?: boolean };
}

describe("a code raced by parallel token requests", () => {
  it(
    `gives tokens to exactly one of ${RACERS} requests, invalid_grant to the rest, and revokes the winner's (${TRIALS} trials)`,
    async () => {
      const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
      for (let trial = 0; trial < TRIALS; trial++) {
        const { verifier, callback } = await codeFor(browser);
        const code = callback.searchParams.get("code") ?? "";
        const results = await Promise.all(Array.from({ length: RACERS }, () => exchange(code, verifier)));
        const winners = results.filter((result) => result.status === 200);
        const losers = results.filter((result) => result.status !== 200);
        expect({ trial, winners: winners.length }).toEqual({ trial, winners: 1 });
        for (const loser of losers)
          expect({ trial, ...loser }).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
        // The code was used more than once: what its one winner got is revoked (RFC 6749, section 4.1.2).
        expect(await introspect(String(winners[0]?.body.access_token))).toEqual({ active: false });
      }
    },
    RACE_TIMEOUT_MS,
  );
});

async function refreshWith(refreshToken: string) {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${CONFIDENTIAL.id}:${CONFIDENTIAL.secret}`)}`,
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a refresh token raced by parallel token requests", () => {
  // Rotation makes every refresh token single-use like a code (src/http/oidc/adapter.ts consume): two winners
  // would fork the family into two live refresh tokens.
  it(
    `rotates it for exactly one of ${RACERS} requests and then revokes the family (${TRIALS} trials)`,
    async () => {
      const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
      for (let trial = 0; trial < TRIALS; trial++) {
        const { verifier, callback } = await codeFor(browser, {
          scope: "openid offline_access",
          prompt: "consent",
        });
        const issued = await exchange(callback.searchParams.get("code") ?? "", verifier);
        const refreshToken = String(issued.body.refresh_token);
        expect(issued.body.refresh_token).toBeString();
        const results = await Promise.all(Array.from({ length: RACERS }, () => refreshWith(refreshToken)));
        const winners = results.filter((result) => result.status === 200);
        expect({ trial, winners: winners.length }).toEqual({ trial, winners: 1 });
        for (const loser of results.filter((result) => result.status !== 200)) {
          expect({ trial, ...loser }).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
        }
        // The old token was presented again: the whole family ends, the winner's new refresh token with it.
        const next = await refreshWith(String(winners[0]?.body.refresh_token));
        expect({ trial, ...next }).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      }
    },
    RACE_TIMEOUT_MS,
  );
});
