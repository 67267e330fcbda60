/**
 * SIGN_UP_ENABLED=false holds on every path that signs in through an external identity (src/auth/plugins/
 * sign-up-policy.ts): a first sign-in through generic OIDC (the real provider of test/helpers/oidc-peer.ts) or
 * Google One Tap creates no account and gets better-auth's answer for a refused sign-up, while accounts that
 * exist — made by an administrator, which sign-up being disabled does not stop — still sign in through both.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createBrowser } from "../../test/helpers/browser.ts";
import { type OidcPeer, startOidcPeer } from "../../test/helpers/oidc-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PROVIDER = "corp";
const GOOGLE_CLIENT_ID = "sign-up-policy.apps.googleusercontent.com";
const KID = "policy-key";
const SESSION_COOKIE = "gatehouse.session_token";

let t: TestApp;
let peer: OidcPeer;
let jwks: ReturnType<typeof Bun.serve>;
let googleKey: CryptoKey;
let admin = "";

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  googleKey = privateKey as CryptoKey;
  const publicJwk = { ...(await exportJWK(publicKey)), kid: KID, alg: "RS256", use: "sig" };
  jwks = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ keys: [publicJwk] }) });
  t = await createTestApp({
    env: {
      SIGN_UP_ENABLED: "false",
      GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: "google-secret",
      GOOGLE_JWKS_URL: `http://127.0.0.1:${jwks.port}/certs`,
    },
    envFor: async (baseUrl) => {
      peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
      return peer.env(PROVIDER);
    },
  });
  await t.listen();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t?.close();
  await peer?.close();
  await jwks?.stop(true);
});

const userByEmail = (email: string) =>
  t.deps.db.kysely.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();
const providersOf = async (userId: string) =>
  (await t.deps.db.kysely.selectFrom("account").select("providerId").where("userId", "=", userId).execute())
    .map((row) => String(row.providerId))
    .sort();

/** An account made by the platform admin through better-auth's admin API, with a verified e-mail. */
async function adminCreated(email: string): Promise<string> {
  const response = await t.request("/api/auth/admin/create-user", {
    token: admin,
    json: {
      email,
      password: "password-123",
      name: "Made By Admin",
      role: "user",
      data: { emailVerified: true },
    },
  });
  const body = (await response.json()) as { user?: { id: string } };
  expect(response.status).toBe(200);
  if (!body.user) throw new Error(JSON.stringify(body));
  return body.user.id;
}

/** Signs in through the OIDC provider as `sub`; returns where Gatehouse finally sends the browser. */
async function oidcSignIn(sub: string) {
  const browser = createBrowser();
  peer.loginAs(sub);
  const started = await browser.fetch(`${t.baseUrl}/api/auth/sign-in/social`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: t.baseUrl },
    body: JSON.stringify({
      provider: PROVIDER,
      callbackURL: `${t.baseUrl}/welcome`,
      errorCallbackURL: `${t.baseUrl}/sign-in-failed`,
    }),
  });
  expect(started.status).toBe(200);
  const { url } = (await started.json()) as { url: string };
  const { stoppedAt } = await browser.follow(
    url,
    await browser.fetch(url),
    (at) => at.origin === t.baseUrl && !at.pathname.startsWith("/api/auth/callback/"),
  );
  return { landed: stoppedAt, session: browser.cookie(t.baseUrl, SESSION_COOKIE) };
}

function googleIdToken(email: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: "https://accounts.google.com",
    aud: GOOGLE_CLIENT_ID,
    sub: `google-${email}`,
    email,
    email_verified: true,
    name: "Tap User",
    iat: now,
    exp: now + 3600,
  })
    .setProtectedHeader({ alg: "RS256", kid: KID })
    .sign(googleKey);
}

const oneTap = async (email: string) =>
  t.request("/api/auth/one-tap/callback", { json: { idToken: await googleIdToken(email) } });

describe("SIGN_UP_ENABLED=false: a first sign-in through OIDC", () => {
  it("creates no account and sends the browser to the error URL with better-auth's signup_disabled", async () => {
    const { landed, session } = await oidcSignIn("alice-sub");
    expect(`${landed.origin}${landed.pathname}`).toBe(`${t.baseUrl}/sign-in-failed`);
    expect(landed.searchParams.get("error")).toBe("signup_disabled");
    expect(session).toBeUndefined();
    expect(await userByEmail("alice@corp.test")).toBeUndefined();
  });

  it("still signs an existing account in, linking the provider", async () => {
    const id = await adminCreated("bob@corp.test");
    const { landed, session } = await oidcSignIn("bob-sub");
    expect(landed.href).toBe(`${t.baseUrl}/welcome`);
    expect(session).toBeTruthy();
    expect(await providersOf(id)).toEqual(["corp", "credential"]);
  });
});

describe("SIGN_UP_ENABLED=false: a first sign-in through One Tap", () => {
  it("answers 400 SIGN_UP_DISABLED {code, message}, opens no session and creates no account", async () => {
    const response = await oneTap("first-tap@example.com");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code?: unknown; message?: unknown };
    expect(body).toEqual({ code: "SIGN_UP_DISABLED", message: "Sign-up is disabled" });
    expect(response.headers.getSetCookie().some((cookie) => cookie.includes("session_token="))).toBe(false);
    expect(await userByEmail("first-tap@example.com")).toBeUndefined();
  });

  it("localizes the refusal like every better-auth code", async () => {
    const response = await t.request("/api/auth/one-tap/callback", {
      json: { idToken: await googleIdToken("first-tap-de@example.com") },
      headers: { "accept-language": "de" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: "SIGN_UP_DISABLED",
      message: "Die Registrierung ist deaktiviert",
    });
  });

  it("still signs an existing account in", async () => {
    const id = await adminCreated("known-tap@example.com");
    const response = await oneTap("known-tap@example.com");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: { id: string } };
    expect(body.user.id).toBe(id);
    expect(await providersOf(id)).toEqual(["credential", "google"]);
  });
});

describe("SIGN_UP_ENABLED=false: accounts an administrator creates", () => {
  it("are created through /api/auth/admin/create-user and POST /v1/users", async () => {
    expect(await adminCreated("admin-made@example.com")).toBeTruthy();
    const response = await t.request("/v1/users", {
      token: admin,
      json: { email: "v1-made@example.com", name: "V1 Made", roles: ["user"], password: "password-123" },
    });
    expect(response.status).toBe(201);
    expect(await userByEmail("v1-made@example.com")).toBeDefined();
  });

  it("while /api/auth/sign-up/email stays refused with better-auth's own code", async () => {
    const response = await t.request("/api/auth/sign-up/email", {
      json: { email: "self@example.com", password: "password-123", name: "Self" },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("EMAIL_PASSWORD_SIGN_UP_DISABLED");
    expect(await userByEmail("self@example.com")).toBeUndefined();
  });
});
