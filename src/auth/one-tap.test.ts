/**
 * Google One Tap: ID tokens signed by a local RSA key whose JWKS the test serves on loopback in place of
 * Google's (GOOGLE_JWKS_URL), so signature, audience, issuer and expiry checks all run for real.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const GOOGLE_CLIENT_ID = "one-tap-test.apps.googleusercontent.com";
const KID = "test-key-1";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

let t: TestApp;
let jwks: ReturnType<typeof Bun.serve>;
let googleKey: PrivateKey;
let jwksAnswers = true;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  googleKey = privateKey;
  const publicJwk = { ...(await exportJWK(publicKey)), kid: KID, alg: "RS256", use: "sig" };
  jwks = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => (jwksAnswers ? Response.json({ keys: [publicJwk] }) : new Response("down", { status: 503 })),
  });
  t = await createTestApp({
    env: {
      GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: "google-secret",
      GOOGLE_JWKS_URL: `http://127.0.0.1:${jwks.port}/oauth2/v3/certs`,
    },
  });
});
afterAll(async () => {
  await t.close();
  await jwks.stop(true);
});

const now = () => Math.floor(Date.now() / 1000);

interface TokenOptions {
  readonly claims?: JWTPayload;
  readonly key?: PrivateKey;
  readonly kid?: string;
}

/** A Google-shaped ID token; `claims` override the defaults (valid for GOOGLE_CLIENT_ID, issued now). */
function idToken(
  email: string,
  { claims = {}, key = googleKey, kid = KID }: TokenOptions = {},
): Promise<string> {
  return new SignJWT({
    iss: "https://accounts.google.com",
    aud: GOOGLE_CLIENT_ID,
    sub: `google-${email}`,
    email,
    email_verified: true,
    name: "One Tap User",
    iat: now(),
    exp: now() + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256", kid })
    .sign(key);
}

function oneTap(token: unknown): Promise<Response> {
  return t.request("/api/auth/one-tap/callback", { json: { idToken: token } });
}

const userByEmail = (email: string) =>
  t.deps.db.kysely.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();
const googleAccountsOf = (userId: string) =>
  t.deps.db.kysely
    .selectFrom("account")
    .selectAll()
    .where("userId", "=", userId)
    .where("providerId", "=", "google")
    .execute();

async function expectRefused(
  response: Response,
  status: number,
  code: string,
  email?: string,
): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { code?: unknown; message?: unknown };
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe("string");
  expect(response.headers.getSetCookie().some((cookie) => cookie.includes("session_token="))).toBe(false);
  if (email) expect(await userByEmail(email)).toBeUndefined();
}

describe("POST /api/auth/one-tap/callback", () => {
  // First, while nothing is cached: jose fetches the key set on the first token it sees.
  it("answers 503 GOOGLE_KEYS_UNAVAILABLE when the key set cannot be fetched", async () => {
    jwksAnswers = false;
    try {
      await expectRefused(
        await oneTap(await idToken("keys-down@example.com")),
        503,
        "GOOGLE_KEYS_UNAVAILABLE",
        "keys-down@example.com",
      );
    } finally {
      jwksAnswers = true;
    }
  });

  it("signs a new user in with a valid Google ID token", async () => {
    const response = await oneTap(await idToken("new-tap@example.com"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; user: Record<string, unknown> };
    expect(body.user).toMatchObject({
      email: "new-tap@example.com",
      emailVerified: true,
      name: "One Tap User",
    });
    expect(
      response.headers.getSetCookie().some((cookie) => cookie.startsWith("gatehouse.session_token=")),
    ).toBe(true);

    const session = await t.request("/api/auth/get-session", { token: body.token });
    // Google is an external identity provider: the account has no password of its own (auth-provider.ts).
    expect(((await session.json()) as { user: unknown }).user).toMatchObject({
      email: "new-tap@example.com",
      authProvider: "oidc",
    });
    const accounts = await googleAccountsOf(String(body.user.id));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.accountId).toBe("google-new-tap@example.com");
  });

  it("signs the same Google account in to the same user again", async () => {
    const first = (await (await oneTap(await idToken("again-tap@example.com"))).json()) as {
      user: { id: string };
    };
    const second = await oneTap(await idToken("again-tap@example.com"));
    expect(second.status).toBe(200);
    expect(((await second.json()) as { user: { id: string } }).user.id).toBe(first.user.id);
    expect(await googleAccountsOf(first.user.id)).toHaveLength(1);
  });

  it("refuses a token for another client (wrong audience)", async () => {
    const token = await idToken("aud@example.com", {
      claims: { aud: "someone-else.apps.googleusercontent.com" },
    });
    await expectRefused(await oneTap(token), 400, "INVALID_TOKEN", "aud@example.com");
  });

  it("refuses an expired token", async () => {
    const token = await idToken("expired@example.com", { claims: { iat: now() - 7200, exp: now() - 3600 } });
    await expectRefused(await oneTap(token), 400, "INVALID_TOKEN", "expired@example.com");
  });

  it("refuses a token issued more than an hour ago even if it claims a later expiry", async () => {
    const token = await idToken("old@example.com", { claims: { iat: now() - 2 * 3600, exp: now() + 3600 } });
    await expectRefused(await oneTap(token), 400, "INVALID_TOKEN", "old@example.com");
  });

  it("refuses a token signed by another key under Google's key id (bad signature)", async () => {
    const { privateKey: forger } = await generateKeyPair("RS256");
    const token = await idToken("forged@example.com", { key: forger });
    await expectRefused(await oneTap(token), 400, "INVALID_TOKEN", "forged@example.com");
  });

  it("refuses a token from another issuer", async () => {
    const token = await idToken("issuer@example.com", { claims: { iss: "https://evil.example.com" } });
    await expectRefused(await oneTap(token), 400, "INVALID_TOKEN", "issuer@example.com");
  });

  it("refuses an unsigned token (alg none)", async () => {
    const token = new UnsecuredJWT({
      iss: "https://accounts.google.com",
      aud: GOOGLE_CLIENT_ID,
      sub: "google-none",
      email: "none@example.com",
      email_verified: true,
    })
      .setIssuedAt()
      .setExpirationTime("1h")
      .encode();
    await expectRefused(await oneTap(token), 400, "INVALID_TOKEN", "none@example.com");
  });

  it("refuses a string that is not a JWT", async () => {
    await expectRefused(await oneTap("not-a-jwt"), 400, "INVALID_TOKEN");
  });

  it("refuses a token without an e-mail (400 USER_EMAIL_NOT_FOUND)", async () => {
    const token = await idToken("ignored@example.com", {
      claims: { email: undefined, sub: "google-no-email" },
    });
    await expectRefused(await oneTap(token), 400, "USER_EMAIL_NOT_FOUND");
  });

  it("answers 400 with a code when idToken is missing", async () => {
    const response = await t.request("/api/auth/one-tap/callback", { json: {} });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code?: string }).code).toBeTruthy();
  });

  it("does not take over an existing account when Google does not verify the e-mail", async () => {
    const signUp = await t.request("/api/auth/sign-up/email", {
      json: { email: "owner-tap@example.com", password: "password-123", name: "Owner" },
    });
    expect(signUp.status).toBe(200);
    const token = await idToken("owner-tap@example.com", { claims: { email_verified: false } });
    await expectRefused(await oneTap(token), 401, "ACCOUNT_NOT_LINKED");
    const owner = await userByEmail("owner-tap@example.com");
    expect(await googleAccountsOf(String(owner?.id))).toHaveLength(0);
  });
});
