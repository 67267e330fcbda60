import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { OpenAPIV3_1 } from "openapi-types";
import {
  type AuthJson,
  call,
  type HasuraErrorJson,
  type HasuraUserJson,
} from "../../../test/helpers/hasura.ts";
import { codeIn } from "../../../test/helpers/sms-peer.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp({ sms: true });
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

const signup = (json: unknown) => call<AuthJson>(t, "POST", "/v1/signup", { json });
const login = (json: unknown) => call<AuthJson>(t, "POST", "/v1/login", { json });

function expectError(answer: { status: number; body: unknown }, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(Object.keys(answer.body as object).sort()).toEqual(["code", "message"]);
  expect((answer.body as HasuraErrorJson).code).toBe(code);
}

/** The code of the latest SMS to `phone` that arrived after `after` messages had. */
async function otpFor(phone: string, after: number): Promise<string> {
  const sms = t.sms;
  if (!sms) throw new Error("no SMS peer");
  const message = await sms.waitFor((m) => m.to === phone && sms.messages.indexOf(m) >= after);
  return codeIn(message);
}

async function sessionUser(token: string): Promise<{ id: string } | null> {
  const response = await t.request("/api/auth/get-session", { token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { user: { id: string } } | null)?.user ?? null;
}

describe("POST /v1/signup and /v1/login, provider username", () => {
  it("signs up with the role user and a token that works as a Bearer token on every API", async () => {
    const answer = await signup({
      provider: "username",
      data: { username: "johnsmith", password: "somepass123" },
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(["auth_token", "hasura_id", "hasura_roles", "username"]);
    expect(answer.body).toMatchObject({ username: "johnsmith", hasura_roles: ["user"] });
    expect(Number.isInteger(answer.body.hasura_id)).toBe(true);
    const token = answer.body.auth_token as string;
    const user = await sessionUser(token);
    expect(user).not.toBeNull();
    // The native API, with the same token: the user may read its own profile.
    const own = await t.request(`/v1/users/${user?.id}`, { token });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: user?.id, email: null, roles: ["user"] });
  });

  it("logs in with the password, and refuses a wrong one with invalid-creds", async () => {
    const answer = await login({
      provider: "username",
      data: { username: "johnsmith", password: "somepass123" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ username: "johnsmith", hasura_roles: ["user"] });
    expect(await sessionUser(answer.body.auth_token as string)).not.toBeNull();
    expectError(
      await login({ provider: "username", data: { username: "johnsmith", password: "wrong-pass" } }),
      400,
      "invalid-creds",
    );
    expectError(
      await login({ provider: "username", data: { username: "nobody", password: "somepass123" } }),
      400,
      "invalid-creds",
    );
  });

  it("refuses a taken username with user-exists and a short password with invalid-password", async () => {
    expectError(
      await signup({ provider: "username", data: { username: "johnsmith", password: "somepass123" } }),
      400,
      "user-exists",
    );
    expectError(
      await signup({ provider: "username", data: { username: "johnny", password: "short" } }),
      400,
      "invalid-password",
    );
    expectError(await signup({ provider: "facebook", data: {} }), 400, "invalid-provider");
    expectError(await signup({ data: {} }), 400, "invalid-args");
  });
});

describe("POST /v1/signup and /v1/login, provider email", () => {
  it("signs up, mails the verification link to the address, and logs in", async () => {
    const answer = await signup({
      provider: "email",
      data: { email: "Jane@Example.com", password: "somepass123" },
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(["auth_token", "email", "hasura_id", "hasura_roles"]);
    expect(answer.body.email).toBe("jane@example.com");
    expect(await sessionUser(answer.body.auth_token as string)).not.toBeNull();
    await t.smtp.waitFor((mail) => mail.to.includes("jane@example.com"));
    const again = await login({
      provider: "email",
      data: { email: "jane@example.com", password: "somepass123" },
    });
    expect(again.status).toBe(200);
    expect(again.body.hasura_id).toBe(answer.body.hasura_id);
    expectError(
      await signup({ provider: "email", data: { email: "jane@example.com", password: "somepass123" } }),
      400,
      "email-exists",
    );
    expectError(
      await signup({ provider: "email", data: { email: "jane", password: "somepass123" } }),
      400,
      "invalid-email",
    );
  });
});

describe("mobile-password provider", () => {
  const data = { mobile: "9876543210", country_code: "91", password: "somepass123" };

  it("signs up without a token, then needs the SMS code before the password logs in", async () => {
    const before = t.sms?.messages.length ?? 0;
    const answer = await signup({ provider: "mobile-password", data });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ auth_token: null, mobile: "919876543210", hasura_roles: ["user"] });
    const code = await otpFor("+919876543210", before);

    const early = await login({ provider: "mobile-password", data });
    expectError(early, 403, "not-verified");

    const wrong = code === "000000" ? "111111" : "000000";
    expectError(
      await call(t, "POST", "/v1/providers/mobile-password/verify-otp", {
        json: { mobile: data.mobile, country_code: "91", otp: wrong },
      }),
      400,
      "invalid-creds",
    );
    const verified = await call(t, "POST", "/v1/providers/mobile-password/verify-otp", {
      json: { mobile: data.mobile, country_code: "91", otp: code },
    });
    expect(verified.status).toBe(200);

    const ok = await login({ provider: "mobile-password", data });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ hasura_id: answer.body.hasura_id, mobile: "919876543210" });
    expect(await sessionUser(ok.body.auth_token as string)).not.toBeNull();
    expectError(
      await login({ provider: "mobile-password", data: { ...data, password: "wrong-pass" } }),
      400,
      "invalid-creds",
    );
  });
});

describe("mobile (OTP) provider", () => {
  it("signup sends a code by SMS; login with that code verifies the number and signs in", async () => {
    const before = t.sms?.messages.length ?? 0;
    const answer = await signup({ provider: "mobile", data: { mobile: "9123456780", country_code: "91" } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ auth_token: null, mobile: "919123456780", hasura_roles: ["user"] });
    const code = await otpFor("+919123456780", before);
    const wrong = code === "000000" ? "111111" : "000000";
    expectError(
      await login({ provider: "mobile", data: { mobile: "9123456780", country_code: "91", otp: wrong } }),
      400,
      "invalid-creds",
    );
    const ok = await login({
      provider: "mobile",
      data: { mobile: "9123456780", country_code: "91", otp: code },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ hasura_id: answer.body.hasura_id, mobile: "919123456780" });
    expect(await sessionUser(ok.body.auth_token as string)).not.toBeNull();
    // A code is spent once.
    expectError(
      await login({ provider: "mobile", data: { mobile: "9123456780", country_code: "91", otp: code } }),
      400,
      "invalid-creds",
    );
  });

  it("logs in again with a code from /v1/providers/mobile/send-otp", async () => {
    const before = t.sms?.messages.length ?? 0;
    const sent = await call(t, "POST", "/v1/providers/mobile/send-otp", {
      json: { mobile: "9123456780", country_code: "91" },
    });
    expect(sent.status).toBe(200);
    const otp = await otpFor("+919123456780", before);
    const ok = await login({ provider: "mobile", data: { mobile: "9123456780", country_code: "91", otp } });
    expect(ok.status).toBe(200);
    expect(typeof ok.body.auth_token).toBe("string");
  });

  it("signs up and in at once with a code obtained first, as Hasura's clients do", async () => {
    const before = t.sms?.messages.length ?? 0;
    await call(t, "POST", "/v1/providers/mobile/send-otp", {
      json: { mobile: "9000012345", country_code: "91" },
    });
    const otp = await otpFor("+919000012345", before);
    const answer = await signup({
      provider: "mobile",
      data: { mobile: "9000012345", country_code: "91", otp },
    });
    expect(answer.status).toBe(200);
    expect(typeof answer.body.auth_token).toBe("string");
    expect(await sessionUser(answer.body.auth_token as string)).not.toBeNull();
  });

  it("a wrong code at signup creates no account", async () => {
    const answer = await signup({
      provider: "mobile",
      data: { mobile: "9000054321", country_code: "91", otp: "123456" },
    });
    expectError(answer, 400, "invalid-creds");
    const retry = await signup({ provider: "mobile", data: { mobile: "9000054321", country_code: "91" } });
    expect(retry.status).toBe(200);
  });

  it("refuses a number that cannot be E.164 with invalid-args", async () => {
    expectError(
      await call(t, "POST", "/v1/providers/mobile/send-otp", {
        json: { mobile: "12345678901234", country_code: "999" },
      }),
      400,
      "invalid-args",
    );
  });
});

describe("/v1/user/*", () => {
  let token: string;
  beforeAll(async () => {
    const answer = await signup({
      provider: "username",
      data: { username: "selfie", password: "somepass123" },
    });
    token = answer.body.auth_token as string;
  });

  it("GET /v1/user/info returns the signed-in user with its token; 401 without one", async () => {
    const info = await call<HasuraUserJson>(t, "GET", "/v1/user/info", { token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      auth_token: token,
      username: "selfie",
      email: null,
      mobile: null,
      hasura_roles: ["user"],
      is_active: true,
      extra_info: {},
    });
    expect(info.body.last_login).not.toBeNull();
    expectError(await call(t, "GET", "/v1/user/info"), 401, "unauthorized");
    expectError(await call(t, "GET", "/v1/user/info", { token: "bogus" }), 401, "unauthorized");
  });

  it("POST /v1/user/change-password checks the old password and the new one's length", async () => {
    const path = "/v1/user/change-password";
    expectError(
      await call(t, "POST", path, {
        token,
        json: { old_password: "wrong-pass", new_password: "newpass1234" },
      }),
      400,
      "invalid-creds",
    );
    expectError(
      await call(t, "POST", path, { token, json: { old_password: "somepass123", new_password: "short" } }),
      400,
      "invalid-password",
    );
    expectError(
      await call(t, "POST", path, { json: { old_password: "a", new_password: "newpass1234" } }),
      401,
      "unauthorized",
    );
    const ok = await call(t, "POST", path, {
      token,
      json: { old_password: "somepass123", new_password: "newpass1234" },
    });
    expect(ok.status).toBe(200);
    expectError(
      await login({ provider: "username", data: { username: "selfie", password: "somepass123" } }),
      400,
      "invalid-creds",
    );
    const again = await login({
      provider: "username",
      data: { username: "selfie", password: "newpass1234" },
    });
    expect(again.status).toBe(200);
  });

  it("POST /v1/user/logout ends the session", async () => {
    const answer = await call(t, "POST", "/v1/user/logout", { token });
    expect(answer.status).toBe(200);
    expect(await sessionUser(token)).toBeNull();
    expectError(await call(t, "GET", "/v1/user/info", { token }), 401, "unauthorized");
    expectError(await call(t, "POST", "/v1/user/logout", { token }), 401, "unauthorized");
  });
});

describe("across dialects", () => {
  it("a user created here is the same user in /v1/users and better-auth's admin API", async () => {
    const created = await call<HasuraUserJson>(t, "POST", "/v1/admin/create-user", {
      token: admin,
      json: { provider: "username", data: { username: "crossover", password: "somepass123" } },
    });
    expect(created.status).toBe(200);

    const auth = await t.request("/api/auth/admin/list-users?searchField=name&searchValue=crossover", {
      token: admin,
    });
    expect(auth.status).toBe(200);
    const listed = ((await auth.json()) as { users: { id: string; username: string; role: string }[] }).users;
    const baUser = listed.find((u) => u.username === "crossover");
    expect(baUser).toMatchObject({ username: "crossover", role: "user" });

    const native = await t.request(`/v1/users/${baUser?.id}`, { token: admin });
    expect(native.status).toBe(200);
    expect(await native.json()).toMatchObject({
      id: baUser?.id,
      email: null,
      name: "crossover",
      active: true,
    });

    // Deactivated here, refused there.
    await call(t, "POST", "/v1/admin/user/deactivate", {
      token: admin,
      json: { hasura_id: created.body.hasura_id },
    });
    const disabled = await t.request(`/v1/users/${baUser?.id}`, { token: admin });
    expect(await disabled.json()).toMatchObject({ active: false, status: "disabled" });
    const after = await t.request("/api/auth/admin/list-users?searchField=name&searchValue=crossover", {
      token: admin,
    });
    const again = ((await after.json()) as { users: { id: string; banned: boolean }[] }).users;
    expect(again.find((u) => u.id === baUser?.id)?.banned).toBe(true);
  });

  // better-auth keeps a reserved placeholder address (`<id>@users.invalid`) for accounts without an e-mail;
  // src/http/better-auth/routes.ts renders it as null.
  it("renders email null for a user without e-mail in /api/auth/admin/list-users", async () => {
    const auth = await t.request("/api/auth/admin/list-users?searchField=name&searchValue=crossover", {
      token: admin,
    });
    const users = ((await auth.json()) as { users: { username: string; email: string | null }[] }).users;
    expect(users.find((u) => u.username === "crossover")?.email).toBeNull();
  });

  it("never mails a user without an e-mail address", async () => {
    const before = t.smtp.messages.length;
    const made = await signup({
      provider: "username",
      data: { username: "nomail", password: "somepass123" },
    });
    const token = made.body.auth_token as string;
    await call(t, "POST", "/v1/user/change-password", {
      token,
      json: { old_password: "somepass123", new_password: "somepass456" },
    });
    await login({ provider: "username", data: { username: "nomail", password: "somepass456" } });
    await signup({ provider: "mobile", data: { mobile: "9000099999", country_code: "91" } });
    // The native flows that mail a user, asked for this one.
    const user = await sessionUser(token);
    await t.request("/api/auth/send-verification-email", { json: { email: `${user?.id}@users.invalid` } });
    await t.request("/api/auth/request-password-reset", { json: { email: `${user?.id}@users.invalid` } });
    await Bun.sleep(200);
    const sent = t.smtp.messages.slice(before);
    expect(sent.filter((mail) => mail.to.some((to) => to.endsWith("@users.invalid")))).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe("GET /openapi.json", () => {
  it("documents every Hasura route under the tag Hasura, with its error responses", async () => {
    const doc = (await (await t.request("/openapi.json")).json()) as OpenAPIV3_1.Document;
    expect(doc.tags?.map((tag) => tag.name)).toContain("Hasura");
    const routes = t.app.routes.filter((route) =>
      /^\/v1\/(signup|login|providers|user\/|admin\/)/.test(route.path),
    );
    expect(routes).toHaveLength(24);
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      const operation = (doc.paths?.[path] as Record<string, OpenAPIV3_1.OperationObject> | undefined)?.[
        route.method.toLowerCase()
      ];
      expect(operation?.tags, `${route.method} ${path}`).toEqual(["Hasura"]);
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "401"]));
    }
  });
});
