/**
 * Attacks on sign-in and sessions (issue #10, items 2, 9, 12, 15): every way in ends in the second-factor step of
 * an account that has one, tokens die with their session, and session tokens stay out of JSON bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createBrowser } from "../../test/helpers/browser.ts";
import { call } from "../../test/helpers/hasura.ts";
import { type OidcPeer, startOidcPeer } from "../../test/helpers/oidc-peer.ts";
import { codeIn, type SmsPeer } from "../../test/helpers/sms-peer.ts";
import { linkIn } from "../../test/helpers/smtp-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { PASSWORD, signUp } from "../../test/helpers/v1.ts";
import { createDb } from "../platform/db/index.ts";

let t: TestApp;
let sms: SmsPeer;
beforeAll(async () => {
  t = await createTestApp({ sms: true });
  if (!t.sms) throw new Error("the SMS peer did not start");
  sms = t.sms;
});
afterAll(() => t.close());

let phones = 0;
/** A fresh Indian mobile number: Hasura's `{country_code: "91", mobile}` and its E.164 form. */
function newPhone(): { mobile: string; e164: string } {
  const mobile = `98${String(Date.now() % 1e6).padStart(6, "0")}${String(++phones).padStart(2, "0")}`;
  return { mobile, e164: `+91${mobile}` };
}

async function json(path: string, init: Parameters<TestApp["request"]>[1] = {}) {
  const response = await t.request(path, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** The code of the next SMS to `phone` after `after` messages. */
async function smsCode(phone: string, after: number): Promise<string> {
  return codeIn(await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= after));
}

/** The next six-digit code mailed to `email` after `after` messages (the two-factor OTP mail). */
async function mailedCode(email: string, after: number): Promise<string> {
  const mail = await t.smtp.waitFor(
    (m) => t.smtp.messages.indexOf(m) >= after && m.to.includes(email) && !m.text.includes("http"),
  );
  const code = mail.text.match(/\b\d{6}\b/)?.[0];
  if (!code) throw new Error(`no code in mail: ${mail.text}`);
  return code;
}

/** Texts a code to `phone` and returns it. */
async function phoneCode(phone: string): Promise<string> {
  const mark = sms.messages.length;
  const sent = await json("/api/auth/phone-number/send-otp", { json: { phoneNumber: phone } });
  expect(sent.status).toBe(200);
  return smsCode(phone, mark);
}

/** A user with a password, two-factor (codes by e-mail) and a verified phone number. */
async function twoFactorUser() {
  const user = await signUp(t, "Two Factor");
  const phone = newPhone();
  const attached = await json("/api/auth/phone-number/verify", {
    token: user.token,
    json: { phoneNumber: phone.e164, code: await phoneCode(phone.e164), updatePhoneNumber: true },
  });
  expect(attached.status).toBe(200);
  const enabled = await json("/api/auth/two-factor/enable", {
    token: user.token,
    json: { password: PASSWORD, method: "otp" },
  });
  expect(enabled.status).toBe(200);
  return { ...user, phone };
}

async function sessionCount(userId: string): Promise<number> {
  const rows = await t.deps.db.kysely
    .selectFrom("session")
    .select("id")
    .where("userId", "=", userId)
    .execute();
  return rows.length;
}

describe("item 2: every sign-in path ends in the second-factor step", () => {
  it("phone OTP sign-in (POST /api/auth/phone-number/verify) of a 2FA account gets a challenge, not a session", async () => {
    const user = await twoFactorUser();
    const before = await sessionCount(user.id);
    const code = await phoneCode(user.phone.e164);

    const answer = await json("/api/auth/phone-number/verify", {
      json: { phoneNumber: user.phone.e164, code },
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ twoFactorRedirect: true });
    expect(answer.body.token).toBeUndefined();
    expect(await sessionCount(user.id)).toBe(before);
    const cookies = answer.headers.getSetCookie().join("\n");
    expect(cookies).toContain("two_factor=");
    expect(cookies).not.toMatch(/session_token=[^;]+\.[^;]+/);
  });

  it("Hasura /v1/login provider mobile of a 2FA account gets a second-factor step, not an auth_token", async () => {
    const user = await twoFactorUser();
    const before = await sessionCount(user.id);
    const code = await phoneCode(user.phone.e164);

    const answer = await call(t, "POST", "/v1/login", {
      json: { provider: "mobile", data: { mobile: user.phone.mobile, country_code: "91", otp: code } },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.auth_token).toBeNull();
    expect(answer.body).toMatchObject({ two_factor: { methods: ["otp", "backup_code"] } });
    expect(await sessionCount(user.id)).toBe(before);
  });

  it("Hasura /v1/login with the right password of a 2FA account answers a second-factor step (not 500), which the mailed code completes", async () => {
    const user = await twoFactorUser();
    const login = await call<{ auth_token: null; two_factor: { challenge: string; methods: string[] } }>(
      t,
      "POST",
      "/v1/login",
      {
        json: { provider: "email", data: { email: user.email, password: PASSWORD } },
      },
    );
    expect(login.status).toBe(200);
    expect(login.body.auth_token).toBeNull();
    const { challenge } = login.body.two_factor;
    expect(typeof challenge).toBe("string");

    const mark = t.smtp.messages.length;
    const sent = await call(t, "POST", "/v1/login/two-factor/send-otp", { json: { challenge } });
    expect(sent.status).toBe(200);
    const code = await mailedCode(user.email, mark);

    const wrong = await call(t, "POST", "/v1/login/two-factor", {
      json: { challenge, method: "otp", code: code === "000000" ? "000001" : "000000" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("invalid-creds");

    const done = await call<{ auth_token: string }>(t, "POST", "/v1/login/two-factor", {
      json: { challenge, method: "otp", code },
    });
    expect(done.status).toBe(200);
    expect(typeof done.body.auth_token).toBe("string");
    const info = await call(t, "GET", "/v1/user/info", { token: done.body.auth_token });
    expect(info.status).toBe(200);
    expect(info.body.email).toBe(user.email);
  });

  it("Hasura /v1/login provider mobile-password of a 2FA account gets a second-factor step, not an auth_token", async () => {
    const user = await twoFactorUser();
    const before = await sessionCount(user.id);
    const answer = await call(t, "POST", "/v1/login", {
      json: {
        provider: "mobile-password",
        data: { mobile: user.phone.mobile, country_code: "91", password: PASSWORD },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.auth_token).toBeNull();
    expect(answer.body).toMatchObject({ two_factor: { challenge: expect.any(String) } });
    expect(await sessionCount(user.id)).toBe(before);
  });

  it("Hasura /v1/login with a wrong password of a 2FA account still answers 400 invalid-creds", async () => {
    const user = await twoFactorUser();
    const answer = await call(t, "POST", "/v1/login", {
      json: { provider: "email", data: { email: user.email, password: "wrong-password-1" } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: "invalid-creds", message: expect.any(String) });
  });
});

/** A JWT from `GET /api/auth/token` for the session of `sessionToken`. */
async function jwtFor(sessionToken: string): Promise<string> {
  const answer = await json("/api/auth/token", { token: sessionToken });
  if (answer.status !== 200 || !answer.body?.token)
    throw new Error(`/api/auth/token: ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

/** The status of a /v1 read with `token`: 200 while the credential is good, 401 once it is not. */
async function v1Status(token: string): Promise<number> {
  return (await t.request("/v1/users?limit=1", { token })).status;
}

describe("item 12: a JWT dies with its session", () => {
  it("a JWT is refused on /v1 after its session signs out", async () => {
    const user = await signUp(t, "Jwt Sign Out");
    const jwt = await jwtFor(user.token);
    expect(await v1Status(jwt)).not.toBe(401);

    const out = await json("/api/auth/sign-out", { method: "POST", token: user.token, json: {} });
    expect(out.status).toBe(200);

    expect(await v1Status(jwt)).toBe(401);
  });

  it("a JWT of another session is refused on /v1 after change-password with revokeOtherSessions", async () => {
    const user = await signUp(t, "Jwt Rotation");
    const stolen = await jwtFor(user.token);
    const current = await t.signIn(user.email, PASSWORD);
    expect(await v1Status(stolen)).not.toBe(401);

    const changed = await json("/api/auth/change-password", {
      token: current,
      json: { currentPassword: PASSWORD, newPassword: "another-password-9", revokeOtherSessions: true },
    });
    expect(changed.status).toBe(200);

    expect(await v1Status(stolen)).toBe(401);
    // The session that changed the password goes on, and so do JWTs issued for it.
    const kept = (changed.body as { token?: string }).token ?? current;
    expect(await v1Status(await jwtFor(kept))).not.toBe(401);
  });

  it("a JWT carries the session's id, never its token", async () => {
    const user = await signUp(t, "Jwt Claims");
    const jwt = await jwtFor(user.token);
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString());
    const session = await t.deps.db.kysely
      .selectFrom("session")
      .select("id")
      .where("token", "=", user.token)
      .executeTakeFirstOrThrow();
    expect(claims.sid).toBe(session.id);
    expect(jwt).not.toContain(user.token);
    expect(JSON.stringify(claims)).not.toContain(user.token);
  });
});

async function sessionAlive(token: string): Promise<boolean> {
  const answer = await json("/api/auth/get-session", { token });
  return answer.status === 200 && answer.body !== null;
}

describe("item 15: sessions end with the password, and lists carry no tokens", () => {
  it("change-password without revokeOtherSessions still ends the other sessions", async () => {
    const user = await signUp(t, "Change Secret");
    const other = await t.signIn(user.email, PASSWORD);
    const changed = await json("/api/auth/change-password", {
      token: user.token,
      json: { currentPassword: PASSWORD, newPassword: "changed-password-7" },
    });
    expect(changed.status).toBe(200);
    expect(await sessionAlive(other)).toBe(false);
  });

  it("Hasura /v1/user/change-password ends the user's other sessions", async () => {
    const user = await signUp(t, "Hasura Secret");
    const other = await t.signIn(user.email, PASSWORD);
    const changed = await call(t, "POST", "/v1/user/change-password", {
      token: user.token,
      json: { old_password: PASSWORD, new_password: "changed-password-8" },
    });
    expect(changed.status).toBe(200);
    expect(await sessionAlive(other)).toBe(false);
    expect(await sessionAlive(user.token)).toBe(true);
  });

  it("list-sessions does not hand out the bearer tokens of the user's sessions; a listed session is revoked by id", async () => {
    const user = await signUp(t, "List Sessions");
    const other = await t.signIn(user.email, PASSWORD);
    const listed = await json("/api/auth/list-sessions", { token: user.token });
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(2);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(other);
    expect(text).not.toContain(user.token);
    for (const session of listed.body as Record<string, unknown>[])
      expect(session).not.toHaveProperty("token");

    const otherId = await t.deps.db.kysely
      .selectFrom("session")
      .select("id")
      .where("token", "=", other)
      .executeTakeFirstOrThrow();
    const revoked = await json("/api/auth/revoke-session", { token: user.token, json: { id: otherId.id } });
    expect(revoked.status).toBe(200);
    expect(await sessionAlive(other)).toBe(false);
    expect(await sessionAlive(user.token)).toBe(true);
  });

  it("admin/list-user-sessions does not hand out the user's session tokens", async () => {
    const admin = await t.signIn(ADMIN.email, ADMIN.password);
    const user = await signUp(t, "Admin Listed");
    const listed = await json("/api/auth/admin/list-user-sessions", {
      token: admin,
      json: { userId: user.id },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(user.token);
  });
});

/** An admin's impersonation session of a fresh user: its bearer token and the user. */
async function impersonation() {
  const admin = await t.signIn(ADMIN.email, ADMIN.password);
  const user = await signUp(t, "Impersonated");
  const started = await json("/api/auth/admin/impersonate-user", { token: admin, json: { userId: user.id } });
  expect(started.status).toBe(200);
  return { user, token: started.body.session.token as string };
}

describe("item 15: reset links are stored hashed", () => {
  it("a reader of the verification table cannot use a live reset link: only its digest is stored", async () => {
    const user = await signUp(t, "Reset Reader");
    const before = t.smtp.messages.length;
    const asked = await t.request("/api/auth/request-password-reset", {
      json: { email: user.email, redirectTo: "/reset" },
    });
    expect(asked.status).toBe(200);
    const mail = await t.smtp.waitFor(
      (m) =>
        t.smtp.messages.indexOf(m) >= before &&
        m.to.includes(user.email) &&
        m.text.includes("/reset-password/"),
    );
    const token = new URL(linkIn(mail, t.baseUrl)).pathname.split("/").pop() ?? "";
    expect(token.length).toBeGreaterThan(10);
    const rows = await t.deps.db.kysely.selectFrom("verification").select(["identifier", "value"]).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.identifier).not.toContain(token);
      expect(String(row.value)).not.toContain(token);
    }
    // The link still works: better-auth hashes it on look-up.
    const reset = await t.request("/api/auth/reset-password", {
      json: { token, newPassword: "reset-by-digest-7" },
    });
    expect(reset.status).toBe(200);
  });
});

describe("item 9: impersonation stays a support tool", () => {
  it("an impersonation session's one-hour expiry does not slide on get-session", async () => {
    const { token } = await impersonation();
    const answer = await json("/api/auth/get-session", { token });
    expect(answer.status).toBe(200);
    const row = await t.deps.db.kysely
      .selectFrom("session")
      .select(["createdAt", "expiresAt"])
      .where("token", "=", token)
      .executeTakeFirstOrThrow();
    const lifetime =
      new Date(row.expiresAt as string | Date).getTime() - new Date(row.createdAt as string | Date).getTime();
    expect(lifetime).toBeLessThanOrEqual(60 * 60 * 1000 + 1000);
    expect(new Date(answer.body.session.expiresAt).getTime()).toBeLessThanOrEqual(
      new Date(row.createdAt as string | Date).getTime() + 60 * 60 * 1000 + 1000,
    );
  });

  it("list-sessions while impersonating does not expose the target's own session tokens", async () => {
    const { user, token } = await impersonation();
    const listed = await json("/api/auth/list-sessions", { token });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(user.token);
  });
});

describe("item 15: the SQLite database is private", () => {
  it("creates DATA_DIR 0700 and the SQLite file 0600, so other local users cannot read hashes and tokens", async () => {
    const parent = mkdtempSync(join(tmpdir(), "gatehouse-modes-"));
    const dataDir = join(parent, "data");
    try {
      const db = await createDb({ dataDir, databaseUrl: undefined, databaseSchema: undefined });
      await db.ping();
      await db.close();
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, "gatehouse.sqlite")).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe("item 2: One Tap sign-in ends in the second-factor step", () => {
  const GOOGLE_CLIENT_ID = "sessions-one-tap.apps.googleusercontent.com";
  let google: TestApp;
  let jwks: ReturnType<typeof Bun.serve>;
  let googleKey: CryptoKey;
  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    googleKey = privateKey;
    const publicJwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    jwks = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ keys: [publicJwk] }) });
    google = await createTestApp({
      env: {
        GOOGLE_CLIENT_ID,
        GOOGLE_CLIENT_SECRET: "google-secret",
        GOOGLE_JWKS_URL: `http://127.0.0.1:${jwks.port}/oauth2/v3/certs`,
      },
    });
  });
  afterAll(async () => {
    await google.close();
    await jwks.stop(true);
  });

  it("One Tap (POST /api/auth/one-tap/callback) of a 2FA account gets a challenge, not a session", async () => {
    const user = await signUp(google, "One Tap Two Factor");
    await google.deps.db.kysely
      .updateTable("user")
      .set({ emailVerified: true })
      .where("id", "=", user.id)
      .execute();
    const enabled = await google.request("/api/auth/two-factor/enable", {
      token: user.token,
      json: { password: PASSWORD, method: "otp" },
    });
    expect(enabled.status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      iss: "https://accounts.google.com",
      aud: GOOGLE_CLIENT_ID,
      sub: `google-${user.email}`,
      email: user.email,
      email_verified: true,
      name: "One Tap",
      iat: now,
      exp: now + 3600,
    })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .sign(googleKey);

    const answer = await google.request("/api/auth/one-tap/callback", { json: { idToken } });

    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ twoFactorRedirect: true });
    expect(body.token).toBeUndefined();
    const sessions = await google.deps.db.kysely
      .selectFrom("session")
      .select("id")
      .where("userId", "=", user.id)
      .execute();
    expect(sessions).toHaveLength(1);
  });
});

describe("item 2: social/OIDC sign-in ends in the second-factor step", () => {
  const PROVIDER = "corp";
  let oidc: TestApp;
  let peer: OidcPeer;
  beforeAll(async () => {
    oidc = await createTestApp({
      envFor: async (baseUrl) => {
        peer = await startOidcPeer({ redirectUris: [`${baseUrl}/api/auth/callback/${PROVIDER}`] });
        return peer.env(PROVIDER);
      },
    });
    await oidc.listen();
  });
  afterAll(async () => {
    await oidc.close();
    await peer.close();
  });

  it("the OIDC callback of a 2FA account redirects with twoFactorRedirect=true and opens no session", async () => {
    const user = await signUp(oidc, "Oidc Two Factor");
    await oidc.deps.db.kysely
      .updateTable("user")
      .set({ emailVerified: true })
      .where("id", "=", user.id)
      .execute();
    const enabled = await oidc.request("/api/auth/two-factor/enable", {
      token: user.token,
      json: { password: PASSWORD, method: "otp" },
    });
    expect(enabled.status).toBe(200);
    const sub = `sub-${user.id}`;
    peer.addAccount({ sub, email: user.email, emailVerified: true, name: "Oidc Two Factor" });
    peer.loginAs(sub);

    const browser = createBrowser();
    const started = await browser.fetch(`${oidc.baseUrl}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: oidc.baseUrl },
      body: JSON.stringify({ provider: PROVIDER, callbackURL: `${oidc.baseUrl}/welcome` }),
    });
    expect(started.status).toBe(200);
    const { url } = (await started.json()) as { url: string };
    const first = await browser.fetch(url);
    const { stoppedAt } = await browser.follow(
      url,
      first,
      (at) => at.origin === oidc.baseUrl && !at.pathname.startsWith("/api/auth/callback/"),
    );

    expect(stoppedAt.pathname).toBe("/welcome");
    expect(stoppedAt.searchParams.get("twoFactorRedirect")).toBe("true");
    expect(browser.cookie(oidc.baseUrl, "gatehouse.session_token")).toBeUndefined();
    expect(browser.cookie(oidc.baseUrl, "gatehouse.two_factor")).toBeDefined();
    const sessions = await oidc.deps.db.kysely
      .selectFrom("session")
      .select("id")
      .where("userId", "=", user.id)
      .execute();
    expect(sessions).toHaveLength(1);
  });
});
