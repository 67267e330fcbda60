/**
 * Security suite, bad inputs (issue 10, items 6, 13 and 14): each attack answered with a 4xx in the surface's
 * own error shape — never a 500 — and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { call, signUp } from "../../test/helpers/v1.ts";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

/** A request whose body is sent exactly as written (escapes such as `\ud800` survive). */
function raw(path: string, body: string, token?: string, contentType = "application/json") {
  return t.request(path, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
    ...(token ? { token } : {}),
  });
}

/** A refusal in better-auth's shape `{code, message}`. */
async function expectAuthRefusal(response: Response, code = "VALIDATION_ERROR"): Promise<string> {
  const body = (await response.json()) as { code?: string; message?: string };
  expect({ status: response.status, code: body.code }).toEqual({ status: 400, code });
  expect(body.message).toBeString();
  return body.message ?? "";
}

async function userRow(id: string) {
  return t.deps.db.kysely
    .selectFrom("user")
    .select(["name", "image", "locale", "banned", "banExpires"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

describe("security: inputs that gave 500", () => {
  it("POST /v1/users with e-mails better-auth rejects answers 400 invalid_request naming the field", async () => {
    for (const email of ["x(comment)@fuzz.test", "a@[127.0.0.1]", "üñî@üñî.de", "a\u0000b@fuzz.test"]) {
      const created = await call(
        t,
        "POST",
        "/v1/users",
        { token: admin },
        {
          email,
          name: "Fuzz",
          roles: ["user"],
          password: "a-long-unusual-passphrase",
        },
      );
      expect({ email, status: created.status, code: created.body.code }).toEqual({
        email,
        status: 400,
        code: "invalid_request",
      });
      expect(created.body.details).toEqual({ field: "email" });
    }
    const rows = await t.deps.db.kysely.selectFrom("user").select("id").where("name", "=", "Fuzz").execute();
    expect(rows).toEqual([]);
  });

  it("update-user with a name, image, locale or username of the wrong type answers 400 and changes nothing", async () => {
    const user = await signUp(t, "Typed");
    const before = await userRow(user.id);
    const bodies = [
      { name: null },
      { name: {} },
      { name: true },
      { image: {} },
      { locale: [] },
      { username: 5 },
    ];
    for (const body of bodies) {
      const response = await t.request("/api/auth/update-user", { token: user.token, json: body });
      const field = Object.keys(body)[0];
      expect(await expectAuthRefusal(response)).toContain(`body.${field}`);
    }
    expect(await userRow(user.id)).toEqual(before);
  });

  it("update-user with a 1,000,000-character name or a javascript: image answers 400", async () => {
    const user = await signUp(t, "Long");
    const before = await userRow(user.id);
    const huge = await t.request("/api/auth/update-user", {
      token: user.token,
      json: { name: "x".repeat(1_000_000) },
    });
    expect(await expectAuthRefusal(huge)).toContain("body.name");
    const script = await t.request("/api/auth/update-user", {
      token: user.token,
      json: { image: "javascript:alert(1)" },
    });
    expect(await expectAuthRefusal(script)).toContain("body.image");
    expect(await userRow(user.id)).toEqual(before);
    // Sane values still pass: an https URL, then a small image data URI.
    for (const image of ["https://cdn.example.com/a.png", "data:image/png;base64,iVBORw0KGgo="]) {
      const ok = await t.request("/api/auth/update-user", { token: user.token, json: { image } });
      expect(ok.status).toBe(200);
      expect((await userRow(user.id)).image).toBe(image);
    }
  });

  it("admin/ban-user with banExpiresIn 2^53, 1e308 or a negative number answers 400 and bans nobody", async () => {
    const target = await signUp(t, "Banned");
    for (const banExpiresIn of [2 ** 53, 1e308, 62_028 * 365 * 24 * 3600, -5]) {
      const response = await t.request("/api/auth/admin/ban-user", {
        token: admin,
        json: { userId: target.id, banExpiresIn },
      });
      expect(await expectAuthRefusal(response)).toContain("body.banExpiresIn");
    }
    expect((await userRow(target.id)).banned).toBeFalsy();
    // An hour still bans.
    const hour = await t.request("/api/auth/admin/ban-user", {
      token: admin,
      json: { userId: target.id, banExpiresIn: 3600 },
    });
    expect(hour.status).toBe(200);
    expect((await userRow(target.id)).banned).toBeTruthy();
  });

  it("POST /v1/policies with a lone surrogate answers 400 invalid_request and stores no rule", async () => {
    const count = async () =>
      (await t.deps.db.kysely.selectFrom("tenant_policy").select("id").execute()).length;
    const before = await count();
    const response = await raw(
      "/v1/policies",
      '{"policy":"permit (principal, action, resource);","notice":"\\ud800"}',
      admin,
    );
    const body = (await response.json()) as { code?: string; error?: string; details?: unknown };
    expect({ status: response.status, code: body.code, error: body.error }).toEqual({
      status: 400,
      code: "invalid_request",
      error: "invalid_request",
    });
    expect(body.details).toEqual({ field: "notice" });
    expect(await count()).toBe(before);
  });

  it("two-factor enable with issuer \\ud800 answers 400 and leaves two-factor off", async () => {
    const user = await signUp(t, "Totp");
    const response = await raw(
      "/api/auth/two-factor/enable",
      '{"password":"v1-test-password-1","issuer":"\\ud800"}',
      user.token,
    );
    expect(await expectAuthRefusal(response)).toContain("issuer");
    const rows = await t.deps.db.kysely
      .selectFrom("twoFactor")
      .select("id")
      .where("userId", "=", user.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it("POST /api/auth/callback/{id} with a 100 KB error answers 400, not a 100 KB Location", async () => {
    const response = await raw(
      "/api/auth/callback/github",
      `error=${"e".repeat(100_000)}&state=x`,
      undefined,
      "application/x-www-form-urlencoded",
    );
    expect(response.headers.get("location")).toBeNull();
    expect(await expectAuthRefusal(response)).toContain("body.error");
    const viaQuery = await t.request(`/api/auth/callback/github?error=${"e".repeat(100_000)}&state=x`);
    expect(viaQuery.headers.get("location")).toBeNull();
    expect(await expectAuthRefusal(viaQuery)).toContain("query.error");
  });

  it('PATCH /v1/users/{id} with a body of 1, [], true or "x" answers 400 and changes nothing', async () => {
    const user = await signUp(t, "Patched");
    const before = await userRow(user.id);
    for (const body of ["1", "[]", "true", '"x"']) {
      const response = await t.request(`/v1/users/${user.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body,
        token: admin,
      });
      const json = (await response.json()) as { code?: string };
      expect({ body, status: response.status, code: json.code }).toEqual({
        body,
        status: 400,
        code: "invalid_request",
      });
    }
    expect(await userRow(user.id)).toEqual(before);
  });

  it("POST /cache/clear with an unparsable body answers 400 and clears nothing", async () => {
    const probe = t.deps.cache.namespace("inputs-probe");
    await probe.set("kept", "1", 60);
    for (const body of ["{", "[]", "1"]) {
      const response = await raw("/cache/clear", body, admin);
      const json = (await response.json()) as { code?: string };
      expect({ body, status: response.status, code: json.code }).toEqual({
        body,
        status: 400,
        code: "invalid_request",
      });
    }
    expect(await probe.get("kept")).toBe("1");
  });
});
