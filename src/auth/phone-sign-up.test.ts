/**
 * Sign-up by phone (src/auth/plugins/phone-sign-up.ts): an SMS code verified for a number no account has
 * creates the account when sign-up is enabled and is refused when SIGN_UP_ENABLED=false. Codes travel through
 * the real SMS peer; requests go through the official client with phoneNumberClient.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { phoneNumberClient } from "better-auth/client/plugins";
import { codeIn } from "../../test/helpers/sms-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

const PASSWORD = "phone-password-1";

function client(t: TestApp, token?: string) {
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
/** A distinct valid E.164 number per call (a UK range, apart from phone-number.test.ts's). */
function newPhone(): string {
  return `+4477009${String(10000 + ++counter).slice(-5)}`;
}

/** Sends a code to `phone` and returns it as the SMS peer received it. */
async function codeFor(t: TestApp, phone: string): Promise<string> {
  const sms = t.sms;
  if (!sms) throw new Error("the SMS peer did not start");
  const mark = sms.messages.length;
  const sent = await client(t).phoneNumber.sendOtp({ phoneNumber: phone });
  expect(sent.error).toBeNull();
  return codeIn(await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= mark));
}

function usersWithPhone(t: TestApp, phone: string) {
  return t.deps.db.kysely.selectFrom("user").selectAll().where("phoneNumber", "=", phone).execute();
}

async function userCount(t: TestApp): Promise<number> {
  return (await t.deps.db.kysely.selectFrom("user").select("id").execute()).length;
}

describe("POST /api/auth/phone-number/verify with sign-up enabled", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ sms: true });
    await t.listen();
  });
  afterAll(() => t.close());

  it("creates the account of a new number, signs it in, and gives it a placeholder address", async () => {
    const phone = newPhone();
    const { data, error } = await client(t).phoneNumber.verify({
      phoneNumber: phone,
      code: await codeFor(t, phone),
    });
    expect(error).toBeNull();
    expect(data?.status).toBe(true);
    expect(data?.token).toEqual(expect.any(String));
    // The placeholder is rendered as null, as for every account without an address.
    expect(data?.user).toMatchObject({ phoneNumber: phone, phoneNumberVerified: true, email: null });

    const rows = await usersWithPhone(t, phone);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({ id: data?.user.id, email: `${data?.user.id}@users.invalid`, name: "" });
    expect(Boolean(row?.phoneNumberVerified)).toBe(true);
    expect(row?.authProvider).toBe("local");

    const session = await client(t, data?.token ?? "").getSession();
    expect(session.data?.user).toMatchObject({ id: data?.user.id, phoneNumber: phone, email: null });
  });

  it("signs the same number in to the same account the next time", async () => {
    const phone = newPhone();
    const first = await client(t).phoneNumber.verify({ phoneNumber: phone, code: await codeFor(t, phone) });
    const again = await client(t).phoneNumber.verify({ phoneNumber: phone, code: await codeFor(t, phone) });
    expect(again.error).toBeNull();
    expect(again.data?.user.id).toBe(first.data?.user.id ?? "missing");
    expect(await usersWithPhone(t, phone)).toHaveLength(1);
  });

  it("returns 400 INVALID_OTP for a wrong code and creates nothing", async () => {
    const phone = newPhone();
    const code = await codeFor(t, phone);
    const before = await userCount(t);
    const { data, error } = await client(t).phoneNumber.verify({
      phoneNumber: phone,
      code: code === "000000" ? "111111" : "000000",
    });
    expect(data).toBeNull();
    expect(error).toMatchObject({ status: 400, code: "INVALID_OTP", message: expect.any(String) });
    expect(await usersWithPhone(t, phone)).toHaveLength(0);
    expect(await userCount(t)).toBe(before);
  });
  it("leaves Hasura's /v1/login with provider mobile a login: an unknown number is invalid-creds, no account", async () => {
    const phone = newPhone();
    const code = await codeFor(t, phone);
    const before = await userCount(t);
    const response = await t.request("/v1/login", {
      json: { provider: "mobile", data: { country_code: "44", mobile: phone.slice(3), otp: code } },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "invalid-creds" });
    expect(await usersWithPhone(t, phone)).toHaveLength(0);
    expect(await userCount(t)).toBe(before);
  });
});

describe("POST /api/auth/phone-number/verify with SIGN_UP_ENABLED=false", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ sms: true, env: { SIGN_UP_ENABLED: "false" } });
    await t.listen();
  });
  afterAll(() => t.close());

  it("returns 400 PHONE_NUMBER_NOT_EXIST for a new number, creating no account and no session", async () => {
    const phone = newPhone();
    const code = await codeFor(t, phone);
    const before = await userCount(t);
    const response = await t.request("/api/auth/phone-number/verify", { json: { phoneNumber: phone, code } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: "PHONE_NUMBER_NOT_EXIST",
      message: expect.any(String),
    });
    expect(response.headers.getSetCookie().some((cookie) => cookie.includes("session_token="))).toBe(false);
    expect(await usersWithPhone(t, phone)).toHaveLength(0);
    expect(await userCount(t)).toBe(before);
  });

  it("still signs in an account whose number is verified", async () => {
    const email = `phone-${++counter}@example.com`;
    const created = await t.request("/api/auth/admin/create-user", {
      token: await t.signIn(ADMIN.email, ADMIN.password),
      json: { email, password: PASSWORD, name: "Phone", data: { emailVerified: true } },
    });
    const { user } = (await created.json()) as { user: { id: string } };
    const phone = newPhone();
    const added = await client(t, await t.signIn(email, PASSWORD)).phoneNumber.verify({
      phoneNumber: phone,
      code: await codeFor(t, phone),
      updatePhoneNumber: true,
    });
    expect(added.error).toBeNull();

    const { data, error } = await client(t).phoneNumber.verify({
      phoneNumber: phone,
      code: await codeFor(t, phone),
    });
    expect(error).toBeNull();
    expect(data?.user.id).toBe(user.id);
    expect(data?.token).toEqual(expect.any(String));
  });
});
