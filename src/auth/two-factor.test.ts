import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { twoFactorClient } from "better-auth/client/plugins";
import { TOTP, URI } from "otpauth";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
});
afterAll(() => t.close());

const PASSWORD = "password-123";
const PERIOD_MS = 30_000;

/**
 * A better-auth client with a cookie jar: the two-factor challenge travels in a cookie, as in a browser.
 */
function browser() {
  const jar = new Map<string, string>();
  async function customFetchImpl(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    headers.set("origin", t.baseUrl);
    if (jar.size > 0) headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const split = pair.indexOf("=");
      const name = pair.slice(0, split).trim();
      const value = pair.slice(split + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
  const client = createAuthClient({
    baseURL: t.baseUrl,
    plugins: [twoFactorClient()],
    fetchOptions: { customFetchImpl },
  });
  return { client, jar };
}
type Client = ReturnType<typeof browser>["client"];

let userCount = 0;
async function newUser(): Promise<{ client: Client; email: string; id: string }> {
  const email = `two-factor-${++userCount}@example.com`;
  const { client } = browser();
  const { data, error } = await client.signUp.email({ email, password: PASSWORD, name: "Two Factor" });
  if (error || !data) throw new Error(`sign-up failed: ${JSON.stringify(error)}`);
  return { client, email, id: data.user.id };
}

/** TOTP codes for one secret, each handed out once (the server refuses a code it has seen). */
function authenticator(totpURI: string) {
  const totp = URI.parse(totpURI);
  if (!(totp instanceof TOTP)) throw new Error(`not a TOTP URI: ${totpURI}`);
  const used = new Set<string>();
  return {
    totp,
    async code(): Promise<string> {
      // The server accepts the previous, current and next period; prefer the ones that stay valid longest.
      for (const offset of [0, 1, -1]) {
        const code = totp.generate({ timestamp: Date.now() + offset * PERIOD_MS });
        if (used.has(code)) continue;
        const leftInPeriod = PERIOD_MS - (Date.now() % PERIOD_MS);
        if (offset === -1 && leftInPeriod < 2000) {
          // The previous period's code is about to expire: wait for a new period, whose next code is fresh.
          await Bun.sleep(leftInPeriod + 50);
          return this.code();
        }
        used.add(code);
        return code;
      }
      throw new Error("no unused TOTP code in the current window");
    },
    /** A well-formed code that is not valid now. */
    wrongCode(): string {
      const valid = new Set([-1, 0, 1].map((o) => totp.generate({ timestamp: Date.now() + o * PERIOD_MS })));
      for (let n = 0; ; n++) {
        const candidate = String(n).padStart(6, "0");
        if (!valid.has(candidate)) return candidate;
      }
    },
  };
}
type Authenticator = ReturnType<typeof authenticator>;

async function enableTotp(client: Client): Promise<{ auth: Authenticator; backupCodes: string[] }> {
  const { data, error } = await client.twoFactor.enable({ password: PASSWORD });
  if (error || !data || !("totpURI" in data) || !data.totpURI) throw new Error(JSON.stringify(error));
  const auth = authenticator(data.totpURI);
  const verified = await client.twoFactor.verifyTotp({ code: await auth.code() });
  expect(verified.error).toBeNull();
  return { auth, backupCodes: data.backupCodes ?? [] };
}

async function dbState(userId: string) {
  const user = await t.deps.db.kysely
    .selectFrom("user")
    .select(["twoFactorEnabled"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  const row = await t.deps.db.kysely
    .selectFrom("twoFactor")
    .select(["secret", "backupCodes", "verified"])
    .where("userId", "=", userId)
    .executeTakeFirst();
  return {
    twoFactorEnabled: Boolean(user.twoFactorEnabled),
    twoFactor: row
      ? { secret: String(row.secret), backupCodes: String(row.backupCodes), verified: Boolean(row.verified) }
      : null,
  };
}

/** Signs in with e-mail + password and expects the two-factor challenge instead of a session. */
async function challenge(email: string) {
  const b = browser();
  const { data, error } = await b.client.signIn.email({ email, password: PASSWORD });
  expect(error).toBeNull();
  expect(data).toMatchObject({ twoFactorRedirect: true });
  return b;
}

async function sessionUserId(client: Client): Promise<string | null> {
  const { data } = await client.getSession();
  return data?.user.id ?? null;
}

/** The one-time code of the next code mail to `email` received after `after` messages. */
async function mailedCode(email: string, after: number): Promise<string> {
  const mail = await t.smtp.waitFor(
    (m) => t.smtp.messages.indexOf(m) >= after && m.to.includes(email) && !m.text.includes("http"),
  );
  const code = mail.text.match(/\b\d{6}\b/)?.[0];
  if (!code) throw new Error(`no code in mail: ${mail.text}`);
  return code;
}

/** better-auth keeps dates as ISO strings in SQLite and as timestamps in PostgreSQL. */
function dbDate(date: Date): Date | string {
  return t.deps.db.dialect === "sqlite" ? date.toISOString() : date;
}

function expectError(error: unknown, status: number, code: string) {
  expect(error).toMatchObject({ status, code, message: expect.any(String) });
}

describe("POST /api/auth/two-factor/enable", () => {
  it("returns 400 INVALID_PASSWORD for a wrong password and changes nothing", async () => {
    const { client, id } = await newUser();
    const { error } = await client.twoFactor.enable({ password: "not-the-password" });
    expectError(error, 400, "INVALID_PASSWORD");
    expect(await dbState(id)).toEqual({ twoFactorEnabled: false, twoFactor: null });
  });

  it("returns a TOTP URI and 10 backup codes, and turns 2FA on only after a valid verify-totp", async () => {
    const { client, id, email } = await newUser();
    const { data, error } = await client.twoFactor.enable({ password: PASSWORD });
    expect(error).toBeNull();
    if (!data || !("totpURI" in data) || !data.totpURI) throw new Error("no totpURI");
    expect(data.totpURI).toStartWith(`otpauth://totp/Gatehouse:${encodeURIComponent(email)}?`);
    expect(data.backupCodes).toHaveLength(10);
    expect((await dbState(id)).twoFactorEnabled).toBe(false);
    expect((await dbState(id)).twoFactor?.verified).toBe(false);

    const uri = await client.twoFactor.getTotpUri({ password: PASSWORD });
    expect(uri.error).toBeNull();
    expect(uri.data?.totpURI).toBe(data.totpURI);
    const wrongPassword = await client.twoFactor.getTotpUri({ password: "not-the-password" });
    expectError(wrongPassword.error, 400, "INVALID_PASSWORD");

    const auth = authenticator(data.totpURI);
    const before = await dbState(id);
    const wrong = await client.twoFactor.verifyTotp({ code: auth.wrongCode() });
    expectError(wrong.error, 401, "INVALID_CODE");
    expect(await dbState(id)).toEqual(before);

    const ok = await client.twoFactor.verifyTotp({ code: await auth.code() });
    expect(ok.error).toBeNull();
    const after = await dbState(id);
    expect(after.twoFactorEnabled).toBe(true);
    expect(after.twoFactor).toMatchObject({ verified: true, secret: before.twoFactor?.secret });
  });
});

describe("sign-in of a two-factor user", () => {
  let email: string;
  let id: string;
  let auth: Authenticator;
  beforeAll(async () => {
    const user = await newUser();
    ({ email, id } = user);
    ({ auth } = await enableTotp(user.client));
  });

  it("returns the two-factor challenge and no session", async () => {
    const b = browser();
    const { data, error } = await b.client.signIn.email({ email, password: PASSWORD });
    expect(error).toBeNull();
    // The client's sign-in type does not describe the challenge body.
    expect(data as unknown).toEqual({ twoFactorRedirect: true, twoFactorMethods: ["totp", "otp"] });
    expect([...b.jar.keys()].some((name) => name.endsWith("session_token"))).toBe(false);
    expect(await sessionUserId(b.client)).toBeNull();
  });

  it("refuses a wrong TOTP code with 401 INVALID_CODE, then completes with a valid one", async () => {
    const { client } = await challenge(email);
    const before = await dbState(id);
    const wrong = await client.twoFactor.verifyTotp({ code: auth.wrongCode() });
    expectError(wrong.error, 401, "INVALID_CODE");
    expect(await sessionUserId(client)).toBeNull();
    expect(await dbState(id)).toEqual(before);

    const ok = await client.twoFactor.verifyTotp({ code: await auth.code() });
    expect(ok.error).toBeNull();
    expect(ok.data).toMatchObject({ token: expect.any(String), user: { id, email } });
    expect(await sessionUserId(client)).toBe(id);
  });

  it("refuses a TOTP code that was already used (401 TOTP_CODE_ALREADY_USED)", async () => {
    // A user of its own: each user gets at most three codes per 30 s.
    const user = await newUser();
    const { email, id } = user;
    const { auth } = await enableTotp(user.client);
    const first = await challenge(email);
    const code = await auth.code();
    expect((await first.client.twoFactor.verifyTotp({ code })).error).toBeNull();

    const second = await challenge(email);
    const replay = await second.client.twoFactor.verifyTotp({ code });
    expectError(replay.error, 401, "TOTP_CODE_ALREADY_USED");
    expect(await sessionUserId(second.client)).toBeNull();
    // The challenge is still open: the next code completes it.
    const ok = await second.client.twoFactor.verifyTotp({ code: await auth.code() });
    expect(ok.error).toBeNull();
    expect(await sessionUserId(second.client)).toBe(id);
  });

  it("refuses to verify without a challenge (401 INVALID_TWO_FACTOR_COOKIE)", async () => {
    const { client } = browser();
    const { error } = await client.twoFactor.verifyTotp({ code: "123456" });
    expectError(error, 401, "INVALID_TWO_FACTOR_COOKIE");
  });
});

describe("two-factor OTP by e-mail (send-otp, verify-otp)", () => {
  let email: string;
  let id: string;
  beforeAll(async () => {
    const user = await newUser();
    ({ email, id } = user);
    await enableTotp(user.client);
  });

  it("mails a code that completes the sign-in once; a wrong code is 401 INVALID_CODE", async () => {
    const { client } = await challenge(email);
    const mark = t.smtp.messages.length;
    expect((await client.twoFactor.sendOtp()).error).toBeNull();
    const code = await mailedCode(email, mark);

    const wrong = await client.twoFactor.verifyOtp({ code: code === "000000" ? "000001" : "000000" });
    expectError(wrong.error, 401, "INVALID_CODE");
    expect(await sessionUserId(client)).toBeNull();

    const ok = await client.twoFactor.verifyOtp({ code });
    expect(ok.error).toBeNull();
    expect(await sessionUserId(client)).toBe(id);

    // The code belonged to that challenge: a new sign-in cannot reuse it.
    const next = await challenge(email);
    const replay = await next.client.twoFactor.verifyOtp({ code });
    expectError(replay.error, 400, "OTP_HAS_EXPIRED");
    expect(await sessionUserId(next.client)).toBeNull();
  });

  it("stores the code hashed, expiring within 10 minutes", async () => {
    const { client } = await challenge(email);
    const mark = t.smtp.messages.length;
    const sentAt = Date.now();
    expect((await client.twoFactor.sendOtp()).error).toBeNull();
    const code = await mailedCode(email, mark);
    const row = await t.deps.db.kysely
      .selectFrom("verification")
      .select(["value", "expiresAt"])
      .where("identifier", "like", "2fa-otp-%")
      .orderBy("createdAt", "desc")
      .executeTakeFirstOrThrow();
    expect(String(row.value)).not.toContain(code);
    const expiresAt = new Date(row.expiresAt as string | number | Date).getTime();
    expect(expiresAt).toBeGreaterThan(sentAt);
    expect(expiresAt - sentAt).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it("refuses an expired code with 400 OTP_HAS_EXPIRED", async () => {
    const { client } = await challenge(email);
    const mark = t.smtp.messages.length;
    expect((await client.twoFactor.sendOtp()).error).toBeNull();
    const code = await mailedCode(email, mark);
    const row = await t.deps.db.kysely
      .selectFrom("verification")
      .select(["id", "identifier"])
      .where("identifier", "like", "2fa-otp-%")
      .orderBy("createdAt", "desc")
      .executeTakeFirstOrThrow();
    // Let the code run out: move its expiry into the past and drop the cached copy, as its TTL would.
    await t.deps.db.kysely
      .updateTable("verification")
      .set({ expiresAt: dbDate(new Date(Date.now() - 1000)) })
      .where("id", "=", row.id)
      .execute();
    await t.deps.cache.delete(`verification:${row.identifier}`);

    const { error } = await client.twoFactor.verifyOtp({ code });
    expectError(error, 400, "OTP_HAS_EXPIRED");
    expect(await sessionUserId(client)).toBeNull();
  });

  it("refuses even the right code after 3 wrong ones (400 TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE)", async () => {
    const { client } = await challenge(email);
    const mark = t.smtp.messages.length;
    expect((await client.twoFactor.sendOtp()).error).toBeNull();
    const code = await mailedCode(email, mark);
    const wrongCode = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < 3; i++) {
      expectError((await client.twoFactor.verifyOtp({ code: wrongCode })).error, 401, "INVALID_CODE");
    }
    const { error } = await client.twoFactor.verifyOtp({ code });
    expectError(error, 400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE");
    expect(await sessionUserId(client)).toBeNull();

    // A new code restores access.
    const mark2 = t.smtp.messages.length;
    expect((await client.twoFactor.sendOtp()).error).toBeNull();
    const ok = await client.twoFactor.verifyOtp({ code: await mailedCode(email, mark2) });
    expect(ok.error).toBeNull();
    expect(await sessionUserId(client)).toBe(id);
  });
});

describe("backup codes (generate-backup-codes, verify-backup-code)", () => {
  let email: string;
  let id: string;
  let client: Client;
  let initial: string[];
  beforeAll(async () => {
    const user = await newUser();
    ({ email, id, client } = user);
    ({ backupCodes: initial } = await enableTotp(client));
  });

  it("returns 400 INVALID_PASSWORD for a wrong password and keeps the codes", async () => {
    const before = await dbState(id);
    const { error } = await client.twoFactor.generateBackupCodes({ password: "not-the-password" });
    expectError(error, 400, "INVALID_PASSWORD");
    expect(await dbState(id)).toEqual(before);
  });

  it("replaces the codes: the old ones stop working, each new one works once", async () => {
    const { data, error } = await client.twoFactor.generateBackupCodes({ password: PASSWORD });
    expect(error).toBeNull();
    const codes = data?.backupCodes ?? [];
    expect(codes).toHaveLength(10);
    expect(codes.some((c) => initial.includes(c))).toBe(false);

    const old = await challenge(email);
    const stale = await old.client.twoFactor.verifyBackupCode({ code: initial[0] ?? "" });
    expectError(stale.error, 401, "INVALID_BACKUP_CODE");

    const code = codes[0] ?? "";
    const first = await challenge(email);
    const ok = await first.client.twoFactor.verifyBackupCode({ code });
    expect(ok.error).toBeNull();
    expect(await sessionUserId(first.client)).toBe(id);

    const before = await dbState(id);
    const second = await challenge(email);
    const replay = await second.client.twoFactor.verifyBackupCode({ code });
    expectError(replay.error, 401, "INVALID_BACKUP_CODE");
    expect(await sessionUserId(second.client)).toBeNull();
    expect(await dbState(id)).toEqual(before);

    const other = await second.client.twoFactor.verifyBackupCode({ code: codes[1] ?? "" });
    expect(other.error).toBeNull();
    expect(await sessionUserId(second.client)).toBe(id);
  });
});

describe("POST /api/auth/two-factor/disable", () => {
  it("requires the password, then turns 2FA off so that sign-in needs no second factor", async () => {
    const { client, email, id } = await newUser();
    await enableTotp(client);

    const wrong = await client.twoFactor.disable({ password: "not-the-password" });
    expectError(wrong.error, 400, "INVALID_PASSWORD");
    expect((await dbState(id)).twoFactorEnabled).toBe(true);

    const { data, error } = await client.twoFactor.disable({ password: PASSWORD });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    expect(await dbState(id)).toEqual({ twoFactorEnabled: false, twoFactor: null });

    const b = browser();
    const signIn = await b.client.signIn.email({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(signIn.data).not.toHaveProperty("twoFactorRedirect");
    expect(await sessionUserId(b.client)).toBe(id);
  });
});
