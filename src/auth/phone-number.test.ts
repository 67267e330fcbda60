import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createAuthClient } from "better-auth/client";
import { phoneNumberClient } from "better-auth/client/plugins";
import pino from "pino";
import { codeIn, type SmsPeer } from "../../test/helpers/sms-peer.ts";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "password-123";
const logLines: string[] = [];

let t: TestApp;
let sms: SmsPeer;
beforeAll(async () => {
  // Logs are kept so that a test can see a failed SMS being reported.
  const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  t = await createTestApp({ sms: true, logger });
  if (!t.sms) throw new Error("the SMS peer did not start");
  sms = t.sms;
  await t.listen();
});
afterAll(() => t.close());

function client(token?: string) {
  return createAuthClient({
    baseURL: t.baseUrl,
    plugins: [phoneNumberClient()],
    fetchOptions: {
      headers: { origin: t.baseUrl },
      ...(token ? { auth: { type: "Bearer" as const, token } } : {}),
    },
  });
}

let counter = 0;
/** A distinct valid E.164 number per call (US 555 range). */
function newPhone(): string {
  return `+1415555${String(1000 + ++counter).slice(-4)}`;
}

async function newUser(): Promise<{ id: string; email: string; token: string }> {
  const email = `phone-${++counter}@example.com`;
  const res = await t.request("/api/auth/sign-up/email", {
    json: { email, password: PASSWORD, name: "Phone" },
  });
  const body = (await res.json()) as { token?: string; user?: { id: string } };
  if (!res.ok || !body.token || !body.user) throw new Error(`sign-up failed: ${JSON.stringify(body)}`);
  return { id: body.user.id, email, token: body.token };
}

/** The code of the next SMS to `phone` received after `after` messages. */
async function smsCode(phone: string, after: number): Promise<string> {
  return codeIn(await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= after));
}

/** A user whose number is verified, for sign-in and reset tests. */
async function userWithPhone(): Promise<{ id: string; phone: string; token: string }> {
  const user = await newUser();
  const phone = newPhone();
  const c = client(user.token);
  const mark = sms.messages.length;
  expect((await c.phoneNumber.sendOtp({ phoneNumber: phone })).error).toBeNull();
  const { error } = await c.phoneNumber.verify({
    phoneNumber: phone,
    code: await smsCode(phone, mark),
    updatePhoneNumber: true,
  });
  expect(error).toBeNull();
  return { id: user.id, phone, token: user.token };
}

async function userRow(id: string) {
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select(["phoneNumber", "phoneNumberVerified"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return {
    phoneNumber: row.phoneNumber as string | null,
    phoneNumberVerified: Boolean(row.phoneNumberVerified),
  };
}

async function passwordHash(userId: string): Promise<string> {
  const row = await t.deps.db.kysely
    .selectFrom("account")
    .select(["password"])
    .where("userId", "=", userId)
    .where("providerId", "=", "credential")
    .executeTakeFirstOrThrow();
  return String(row.password);
}

/** The pending verification row of a phone code (sign-in/verify codes or reset codes). */
async function verificationRow(identifier: string) {
  return t.deps.db.kysely
    .selectFrom("verification")
    .select(["id", "identifier", "expiresAt"])
    .where("identifier", "=", identifier)
    .orderBy("createdAt", "desc")
    .executeTakeFirstOrThrow();
}

function expectError(error: unknown, status: number, code: string) {
  expect(error).toMatchObject({ status, code, message: expect.any(String) });
}

describe("POST /api/auth/phone-number/send-otp and /phone-number/verify", () => {
  it("texts a code that sets phoneNumber and phoneNumberVerified on the signed-in user", async () => {
    const user = await newUser();
    const phone = newPhone();
    const c = client(user.token);
    const mark = sms.messages.length;
    const sent = await c.phoneNumber.sendOtp({ phoneNumber: phone });
    expect(sent.error).toBeNull();
    expect(sent.data).toEqual({ message: "code sent" });
    const message = await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= mark);
    expect(message.from).toBe("+15005550006");
    expect(message.body).toMatch(/\b\d{6}\b/);

    const { data, error } = await c.phoneNumber.verify({
      phoneNumber: phone,
      code: codeIn(message),
      updatePhoneNumber: true,
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      status: true,
      user: { id: user.id, phoneNumber: phone, phoneNumberVerified: true },
    });
    expect(await userRow(user.id)).toEqual({ phoneNumber: phone, phoneNumberVerified: true });
  });

  it("keeps the code at most 10 minutes", async () => {
    const phone = newPhone();
    const sentAt = Date.now();
    expect((await client().phoneNumber.sendOtp({ phoneNumber: phone })).error).toBeNull();
    const row = await verificationRow(`phone-number-otp-${phone}`);
    const expiresAt = new Date(row.expiresAt as string | number | Date).getTime();
    expect(expiresAt).toBeGreaterThan(sentAt);
    expect(expiresAt - sentAt).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it("returns 400 INVALID_OTP for a wrong code and changes nothing", async () => {
    const user = await newUser();
    const phone = newPhone();
    const c = client(user.token);
    const mark = sms.messages.length;
    await c.phoneNumber.sendOtp({ phoneNumber: phone });
    const code = await smsCode(phone, mark);
    const { error } = await c.phoneNumber.verify({
      phoneNumber: phone,
      code: code === "000000" ? "000001" : "000000",
      updatePhoneNumber: true,
    });
    expectError(error, 400, "INVALID_OTP");
    expect(await userRow(user.id)).toEqual({ phoneNumber: null, phoneNumberVerified: false });
  });

  it("returns 403 TOO_MANY_ATTEMPTS after 3 wrong codes, even for the right one", async () => {
    const user = await newUser();
    const phone = newPhone();
    const c = client(user.token);
    const mark = sms.messages.length;
    await c.phoneNumber.sendOtp({ phoneNumber: phone });
    const code = await smsCode(phone, mark);
    const wrong = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < 3; i++) {
      const { error } = await c.phoneNumber.verify({
        phoneNumber: phone,
        code: wrong,
        updatePhoneNumber: true,
      });
      expectError(error, 400, "INVALID_OTP");
    }
    const { error } = await c.phoneNumber.verify({ phoneNumber: phone, code, updatePhoneNumber: true });
    expectError(error, 403, "TOO_MANY_ATTEMPTS");
    expect(await userRow(user.id)).toEqual({ phoneNumber: null, phoneNumberVerified: false });
  });

  it("returns 400 OTP_EXPIRED for an expired code and changes nothing", async () => {
    const user = await newUser();
    const phone = newPhone();
    const c = client(user.token);
    const mark = sms.messages.length;
    await c.phoneNumber.sendOtp({ phoneNumber: phone });
    const code = await smsCode(phone, mark);
    const row = await verificationRow(`phone-number-otp-${phone}`);
    // Let the code run out: move its expiry into the past and drop the cached copy, as its TTL would.
    const past = new Date(Date.now() - 1000);
    await t.deps.db.kysely
      .updateTable("verification")
      .set({ expiresAt: t.deps.db.dialect === "sqlite" ? past.toISOString() : past })
      .where("id", "=", row.id)
      .execute();
    await t.deps.cache.delete(`verification:${row.identifier}`);

    const { error } = await c.phoneNumber.verify({ phoneNumber: phone, code, updatePhoneNumber: true });
    expectError(error, 400, "OTP_EXPIRED");
    expect(await userRow(user.id)).toEqual({ phoneNumber: null, phoneNumberVerified: false });
  });

  // A valid code for a number no account has signs up or is refused by the sign-up policy: phone-sign-up.test.ts.

  it("answers although the SMS API fails, and logs the failure", async () => {
    const phone = newPhone();
    sms.failNext();
    const { data, error } = await client().phoneNumber.sendOtp({ phoneNumber: phone });
    expect(error).toBeNull();
    expect(data).toEqual({ message: "code sent" });
    const deadline = Date.now() + 3000;
    const failed = () => logLines.find((line) => line.includes("sms failed") && line.includes(phone));
    while (!failed() && Date.now() < deadline) await Bun.sleep(10);
    expect(failed()).toContain("SMS API answered 500");
    expect(sms.requests.filter((r) => r.to === phone)).toEqual([{ status: 500, to: phone }]);
    expect(sms.messages.some((m) => m.to === phone)).toBe(false);
  });
});

describe("phone numbers must be E.164", () => {
  const garbage = [
    "0800 123 456",
    "+0123456789",
    "+1",
    "not a number",
    "+1 415 555 0100",
    "+1234567890123456",
  ];

  it("refuses other spellings on every phone endpoint with 400 INVALID_PHONE_NUMBER, sending nothing", async () => {
    const mark = sms.requests.length;
    for (const phoneNumber of garbage) {
      const calls: [string, Record<string, unknown>][] = [
        ["/api/auth/phone-number/send-otp", { phoneNumber }],
        ["/api/auth/phone-number/verify", { phoneNumber, code: "123456" }],
        ["/api/auth/sign-in/phone-number", { phoneNumber, password: PASSWORD }],
        ["/api/auth/phone-number/request-password-reset", { phoneNumber }],
        ["/api/auth/phone-number/forget-password", { phoneNumber }],
        [
          "/api/auth/phone-number/reset-password",
          { phoneNumber, otp: "123456", newPassword: "new-password-1" },
        ],
      ];
      for (const [path, json] of calls) {
        const res = await t.request(path, { json });
        expect({ path, phoneNumber, status: res.status }).toEqual({ path, phoneNumber, status: 400 });
        expect(await res.json()).toMatchObject({ code: "INVALID_PHONE_NUMBER", message: expect.any(String) });
      }
    }
    expect(sms.requests.length).toBe(mark);
  });
});

describe("POST /api/auth/sign-in/phone-number", () => {
  it("signs in with the verified number and the password", async () => {
    const user = await userWithPhone();
    const { data, error } = await client().signIn.phoneNumber({
      phoneNumber: user.phone,
      password: PASSWORD,
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({ token: expect.any(String), user: { id: user.id, phoneNumber: user.phone } });
  });

  it("returns 401 INVALID_PHONE_NUMBER_OR_PASSWORD for a wrong password or an unknown number", async () => {
    const user = await userWithPhone();
    const wrong = await client().signIn.phoneNumber({
      phoneNumber: user.phone,
      password: "not-the-password",
    });
    expectError(wrong.error, 401, "INVALID_PHONE_NUMBER_OR_PASSWORD");
    const unknown = await client().signIn.phoneNumber({ phoneNumber: newPhone(), password: PASSWORD });
    expectError(unknown.error, 401, "INVALID_PHONE_NUMBER_OR_PASSWORD");
  });
});

describe("password reset by SMS", () => {
  async function expectSignIn(phone: string, password: string, ok: boolean) {
    const { error } = await client().signIn.phoneNumber({ phoneNumber: phone, password });
    if (ok) expect(error).toBeNull();
    else expectError(error, 401, "INVALID_PHONE_NUMBER_OR_PASSWORD");
  }

  it("request-password-reset texts a code that reset-password accepts once", async () => {
    const user = await userWithPhone();
    const mark = sms.messages.length;
    const requested = await client().phoneNumber.requestPasswordReset({ phoneNumber: user.phone });
    expect(requested.error).toBeNull();
    expect(requested.data).toEqual({ status: true });
    const otp = await smsCode(user.phone, mark);

    const reset = await client().phoneNumber.resetPassword({
      phoneNumber: user.phone,
      otp,
      newPassword: "new-password-1",
    });
    expect(reset.error).toBeNull();
    expect(reset.data).toEqual({ status: true });
    await expectSignIn(user.phone, "new-password-1", true);
    await expectSignIn(user.phone, PASSWORD, false);

    const again = await client().phoneNumber.resetPassword({
      phoneNumber: user.phone,
      otp,
      newPassword: "new-password-2",
    });
    expectError(again.error, 400, "OTP_NOT_FOUND");
    await expectSignIn(user.phone, "new-password-1", true);
  });

  it("serves the old alias POST /phone-number/forget-password", async () => {
    const user = await userWithPhone();
    const mark = sms.messages.length;
    const res = await t.request("/api/auth/phone-number/forget-password", {
      json: { phoneNumber: user.phone },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: true });
    const otp = await smsCode(user.phone, mark);
    const reset = await client().phoneNumber.resetPassword({
      phoneNumber: user.phone,
      otp,
      newPassword: "new-password-3",
    });
    expect(reset.error).toBeNull();
    await expectSignIn(user.phone, "new-password-3", true);
  });

  it("returns 400 INVALID_OTP for a wrong code and keeps the password", async () => {
    const user = await userWithPhone();
    const mark = sms.messages.length;
    await client().phoneNumber.requestPasswordReset({ phoneNumber: user.phone });
    const otp = await smsCode(user.phone, mark);
    const before = await passwordHash(user.id);
    const { error } = await client().phoneNumber.resetPassword({
      phoneNumber: user.phone,
      otp: otp === "000000" ? "000001" : "000000",
      newPassword: "new-password-4",
    });
    expectError(error, 400, "INVALID_OTP");
    expect(await passwordHash(user.id)).toBe(before);
    await expectSignIn(user.phone, PASSWORD, true);
  });

  it("returns 400 OTP_EXPIRED for an expired reset code and keeps the password", async () => {
    const user = await userWithPhone();
    const mark = sms.messages.length;
    await client().phoneNumber.requestPasswordReset({ phoneNumber: user.phone });
    const otp = await smsCode(user.phone, mark);
    const row = await verificationRow(`phone-number-reset-${user.phone}`);
    const past = new Date(Date.now() - 1000);
    await t.deps.db.kysely
      .updateTable("verification")
      .set({ expiresAt: t.deps.db.dialect === "sqlite" ? past.toISOString() : past })
      .where("id", "=", row.id)
      .execute();
    await t.deps.cache.delete(`verification:${row.identifier}`);
    const before = await passwordHash(user.id);
    const { error } = await client().phoneNumber.resetPassword({
      phoneNumber: user.phone,
      otp,
      newPassword: "new-password-5",
    });
    expectError(error, 400, "OTP_EXPIRED");
    expect(await passwordHash(user.id)).toBe(before);
  });

  it("answers the same for an unknown number and texts nothing", async () => {
    const phone = newPhone();
    const mark = sms.requests.length;
    const { data, error } = await client().phoneNumber.requestPasswordReset({ phoneNumber: phone });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    await Bun.sleep(50);
    expect(sms.requests.slice(mark).some((r) => r.to === phone)).toBe(false);
  });
});

describe("without SMS configuration", () => {
  let outboxApp: TestApp;
  beforeAll(async () => {
    outboxApp = await createTestApp();
  });
  afterAll(() => outboxApp.close());

  it("writes the code to DATA_DIR/outbox/sms.jsonl, and that code verifies the number", async () => {
    const phone = "+14155559999";
    const sent = await outboxApp.request("/api/auth/phone-number/send-otp", { json: { phoneNumber: phone } });
    expect(sent.status).toBe(200);
    const file = join(outboxApp.config.dataDir, "outbox", "sms.jsonl");
    let entry: { to?: string; body?: string } | undefined;
    const deadline = Date.now() + 3000;
    while (!entry && Date.now() < deadline) {
      try {
        const lines = readFileSync(file, "utf8").trim().split("\n");
        entry = lines
          .map((line) => JSON.parse(line) as { to?: string; body?: string })
          .find((e) => e.to === phone);
      } catch {
        // The file appears when the first message is written.
      }
      if (!entry) await Bun.sleep(10);
    }
    expect(entry?.body).toMatch(/\b\d{6}\b/);
    const code = entry?.body?.match(/\b\d{6}\b/)?.[0] ?? "";

    const signUp = await outboxApp.request("/api/auth/sign-up/email", {
      json: { email: "outbox@example.com", password: PASSWORD, name: "Outbox" },
    });
    const { token } = (await signUp.json()) as { token: string };
    const verified = await outboxApp.request("/api/auth/phone-number/verify", {
      json: { phoneNumber: phone, code, updatePhoneNumber: true },
      token,
    });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ user: { phoneNumber: phone, phoneNumberVerified: true } });
  });
});
