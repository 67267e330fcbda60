/**
 * Security suite, bad inputs (issue 10, items 6, 13 and 14): each attack answered with a 4xx in the surface's
 * own error shape — never a 500 — and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import { call, freshEmail, PASSWORD, signUp } from "../../test/helpers/v1.ts";
import { loadConfig } from "../config.ts";
import { createDeps } from "../deps.ts";
import { createLogger } from "../platform/logger.ts";

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

  it("Hasura admin routes with hasura_id 1e308 answer 400 invalid-args (PostgreSQL's integer overflowed: 500)", async () => {
    for (const path of [
      "/v1/admin/delete-user",
      "/v1/admin/user/deactivate",
      "/v1/admin/remove-all-sessions",
    ]) {
      const response = await raw(path, '{"hasura_id":1e308}', admin);
      const body = (await response.json()) as { code?: string };
      expect({ path, status: response.status, code: body.code }).toEqual({
        path,
        status: 400,
        code: "invalid-args",
      });
    }
  });

  it("a NUL character in a name or a query answers 400 (PostgreSQL refused it with a 500)", async () => {
    const user = await signUp(t, "Nul");
    const before = await userRow(user.id);
    const named = await t.request("/api/auth/update-user", { token: user.token, json: { name: "a\u0000b" } });
    expect(await expectAuthRefusal(named)).toContain("body.name");
    const queried = await t.request("/api/auth/admin/get-user?id=%00", { token: admin });
    expect(await expectAuthRefusal(queried)).toContain("query.id");
    const patched = await call(t, "PATCH", `/v1/users/${user.id}`, { token: admin }, { name: "a\u0000b" });
    expect([patched.status, patched.body.code, patched.body.details]).toEqual([
      400,
      "invalid_request",
      { field: "name" },
    ]);
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

const COMMON = ["12345678", "password", "password123", "        ", "Password123"];

/** Every create path, each answering in its own shape: [status, code] of a refused password. */
async function createWith(path: string, password: string): Promise<[number, unknown]> {
  const email = freshEmail("weak");
  const username = `weak${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const requests: Record<string, () => Promise<Response>> = {
    "sign-up": () => t.request("/api/auth/sign-up/email", { json: { email, password, name: "Weak" } }),
    "admin create-user": () =>
      t.request("/api/auth/admin/create-user", { token: admin, json: { email, password, name: "Weak" } }),
    "/v1/users": () =>
      t.request("/v1/users", { token: admin, json: { email, password, name: "Weak", roles: ["user"] } }),
    "Hasura signup": () =>
      t.request("/v1/signup", { json: { provider: "email", data: { email, password } } }),
    "GeoLens create": () => t.request("/api/admin/users/", { token: admin, json: { username, password } }),
  };
  const response = await (requests[path] as () => Promise<Response>)();
  const body = (await response.json()) as { code?: string; detail?: { loc?: string[] }[] };
  return [response.status, body.code ?? body.detail?.[0]?.loc?.join(".")];
}

describe("security: passwords", () => {
  it("refuses 12345678, password, password123 and eight spaces on all five create paths", async () => {
    const expected: Record<string, [number, unknown]> = {
      "sign-up": [400, "PASSWORD_TOO_COMMON"],
      "admin create-user": [400, "PASSWORD_TOO_COMMON"],
      "/v1/users": [400, "password_too_common"],
      "Hasura signup": [400, "invalid-password"],
      "GeoLens create": [422, "body.password"],
    };
    for (const password of COMMON) {
      for (const [path, answer] of Object.entries(expected)) {
        expect({ path, password, answer: await createWith(path, password) }).toEqual({
          path,
          password,
          answer,
        });
      }
    }
    const weak = await t.deps.db.kysely.selectFrom("user").select("id").where("name", "=", "Weak").execute();
    expect(weak).toEqual([]);
    // A password that is none of those still creates the account.
    expect(await createWith("sign-up", "an-unusual-passphrase-7")).toEqual([200, undefined]);
  });

  it("refuses a password built from the user's own e-mail address, name or username", async () => {
    const email = freshEmail("alice");
    const local = email.split("@")[0] as string;
    for (const password of [`${local}2024!`, email, `${local.toUpperCase()}!!`]) {
      const response = await t.request("/api/auth/sign-up/email", { json: { email, password, name: "A" } });
      expect(await expectAuthRefusal(response, "PASSWORD_CONTAINS_IDENTIFIER")).toBeString();
    }
    const named = await t.request("/api/auth/sign-up/email", {
      json: { email: freshEmail("x"), password: "Margarethe Quast 1990", name: "Margarethe Quast" },
    });
    await expectAuthRefusal(named, "PASSWORD_CONTAINS_IDENTIFIER");
    const v1 = await call(
      t,
      "POST",
      "/v1/users",
      { token: admin },
      {
        email,
        name: "Alice",
        roles: ["user"],
        password: `${local}-2024`,
      },
    );
    expect([v1.status, v1.body.code, v1.body.details]).toEqual([
      400,
      "password_contains_identifier",
      { field: "password" },
    ]);
  });

  it("refuses a common password on change-password, admin set-user-password and reset-password", async () => {
    const user = await signUp(t, "Changer");
    const change = await t.request("/api/auth/change-password", {
      token: user.token,
      json: { currentPassword: PASSWORD, newPassword: "password123" },
    });
    await expectAuthRefusal(change, "PASSWORD_TOO_COMMON");
    const own = await t.request("/api/auth/change-password", {
      token: user.token,
      json: { currentPassword: PASSWORD, newPassword: `${user.email.split("@")[0]}-1` },
    });
    await expectAuthRefusal(own, "PASSWORD_CONTAINS_IDENTIFIER");
    const set = await t.request("/api/auth/admin/set-user-password", {
      token: admin,
      json: { userId: user.id, newPassword: "qwertyuiop" },
    });
    await expectAuthRefusal(set, "PASSWORD_TOO_COMMON");

    const before = t.smtp.messages.length;
    await t.request("/api/auth/request-password-reset", {
      json: { email: user.email, redirectTo: "/reset" },
    });
    const mail = await t.smtp.waitFor(
      (item) => t.smtp.messages.indexOf(item) >= before && item.text.includes("/reset-password/"),
    );
    const token = /\/reset-password\/([^?\s]+)/.exec(mail.text)?.[1] ?? "";
    const reset = await t.request("/api/auth/reset-password", {
      json: { token, newPassword: "iloveyou123" },
    });
    await expectAuthRefusal(reset, "PASSWORD_TOO_COMMON");
    const ownReset = await t.request("/api/auth/reset-password", {
      json: { token, newPassword: `${user.email.split("@")[0]}!` },
    });
    await expectAuthRefusal(ownReset, "PASSWORD_CONTAINS_IDENTIFIER");
    // The old password still works: nothing was changed.
    expect(await t.signIn(user.email, PASSWORD)).toBeString();
  });

  it("answers the refusal in the request's language", async () => {
    const response = await t.request("/api/auth/sign-up/email", {
      headers: { "accept-language": "de" },
      json: { email: freshEmail("de"), password: "password123", name: "De" },
    });
    const body = (await response.json()) as { code?: string; message?: string };
    expect(body).toMatchObject({ code: "PASSWORD_TOO_COMMON", message: expect.stringContaining("Passwort") });
  });

  it("counts Unicode code points: four emoji are too short, seventy are not too long", async () => {
    const short = await t.request("/api/auth/sign-up/email", {
      json: { email: freshEmail("emoji"), password: "😀🎉🔑🌍", name: "Emoji" },
    });
    await expectAuthRefusal(short, "PASSWORD_TOO_SHORT");
    const v1 = await call(
      t,
      "POST",
      "/v1/users",
      { token: admin },
      {
        email: freshEmail("emoji"),
        name: "Emoji",
        roles: ["user"],
        password: "😀🎉🔑🌍",
      },
    );
    expect([v1.status, v1.body.details?.field]).toEqual([400, "password"]);
    const emoji = [..."😀🎉🔑🌍🚀🌈🍕🎸🐙🦊"];
    const seventy = Array.from({ length: 70 }, (_, index) => emoji[index % emoji.length]).join("");
    const email = freshEmail("emoji");
    const long = await t.request("/api/auth/sign-up/email", {
      json: { email, password: seventy, name: "Emoji" },
    });
    expect(long.status).toBe(200);
    expect(await t.signIn(email, seventy)).toBeString();
  });
});

describe("security: passwords with PWNED_PASSWORDS=true", () => {
  const leaked = "a-leaked-but-rare-passphrase";
  const sha1 = new Bun.CryptoHasher("sha1").update(leaked).digest("hex").toUpperCase();
  const asked: string[] = [];
  // A local stand-in for the range API: it knows one leaked hash, among padding entries with count 0.
  const peer = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const prefix = new URL(request.url).pathname.split("/").at(-1) ?? "";
      asked.push(prefix);
      const lines = ["0000000000000000000000000000000000A:0"];
      if (prefix === sha1.slice(0, 5)) lines.push(`${sha1.slice(5)}:42`);
      return new Response(lines.join("\r\n"));
    },
  });
  let pwnedApp: TestApp;
  beforeAll(async () => {
    pwnedApp = await createTestApp({
      env: { PWNED_PASSWORDS: "true", PWNED_PASSWORDS_URL: `http://127.0.0.1:${peer.port}` },
    });
  });
  afterAll(async () => {
    await pwnedApp.close();
    await peer.stop(true);
  });

  it("refuses a password the range API knows, sending it only the first 5 hex digits of its SHA-1", async () => {
    const refused = await pwnedApp.request("/api/auth/sign-up/email", {
      json: { email: freshEmail("pwned"), password: leaked, name: "Pwned" },
    });
    const body = (await refused.json()) as { code?: string };
    expect([refused.status, body.code]).toEqual([400, "PASSWORD_TOO_COMMON"]);
    expect(asked).toEqual([sha1.slice(0, 5)]);
    const accepted = await pwnedApp.request("/api/auth/sign-up/email", {
      json: { email: freshEmail("pwned"), password: "an-unleaked-passphrase-9", name: "Fine" },
    });
    expect(accepted.status).toBe(200);
  });

  it("refuses it on the account service's paths too: /v1/users, GeoLens and Hasura create", async () => {
    const admin = await pwnedApp.signIn(ADMIN.email, ADMIN.password);
    const auth = { authorization: `Bearer ${admin}` };
    const native = await pwnedApp.request("/v1/users", {
      headers: auth,
      json: { email: freshEmail("pwned-v1"), name: "Pwned", roles: ["user"], password: leaked },
    });
    expect(native.status).toBe(400);
    expect(((await native.json()) as { code?: string }).code).toBe("password_too_common");
    const geolens = await pwnedApp.request("/api/admin/users/", {
      headers: auth,
      json: { username: `pwned${Date.now().toString(36)}`, password: leaked },
    });
    expect(geolens.status).toBe(422);
    const hasura = await pwnedApp.request("/v1/admin/create-user", {
      headers: auth,
      json: {
        provider: "username",
        data: { username: `pwnedh${Date.now().toString(36)}`, password: leaked },
      },
    });
    expect(hasura.status).toBe(400);
    expect(((await hasura.json()) as { code?: string }).code).toBe("invalid-password");
    const fine = await pwnedApp.request("/v1/users", {
      headers: auth,
      json: {
        email: freshEmail("pwned-v1"),
        name: "Fine",
        roles: ["user"],
        password: "an-unleaked-passphrase-9",
      },
    });
    expect(fine.status).toBe(201);
  });
});

describe("security: ADMIN_PASSWORD", () => {
  it("stops a production start-up with a common ADMIN_PASSWORD, before anything is opened", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-admin-"));
    try {
      for (const password of ["password123", "admin@gatehouse.test1"]) {
        const config = loadConfig(
          {
            NODE_ENV: "production",
            DATA_DIR: dataDir,
            AUTH_SECRET: "p".repeat(40),
            BASE_URL: "https://id.example.com",
            ADMIN_EMAIL: "admin@gatehouse.test",
            ADMIN_PASSWORD: password,
          },
          () => {},
        );
        await expect(createDeps(config)).rejects.toThrow(/ADMIN_PASSWORD/);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("security: logs", () => {
  const lines: string[] = [];
  let logged: TestApp;
  let adminToken = "";
  beforeAll(async () => {
    logged = await createTestApp({ logger: createLogger("info", { write: (line) => lines.push(line) }) });
    adminToken = await logged.signIn(ADMIN.email, ADMIN.password);
  });
  afterAll(() => logged.close());

  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it("cuts a 1 MB input to a short prefix in the log line, on every level", async () => {
    const huge = `${"u".repeat(1_000_000)}`;
    const response = await logged.request("/api/auth/sign-in/username", {
      ip: "203.0.113.9",
      json: { username: huge, password: "whatever-it-is" },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const failed = entries().find(
      (entry) => entry.msg === "sign-in failed" && entry.address === "203.0.113.9",
    );
    expect(String(failed?.account)).toStartWith("uuuuuuuu");
    for (const line of lines) expect(line.length).toBeLessThan(10_000);
  });

  it("logs a failed sign-in with the account tried and the client address", async () => {
    const response = await logged.request("/api/auth/sign-in/email", {
      ip: "198.51.100.23",
      json: { email: ADMIN.email, password: "not-the-admin-password" },
    });
    expect(response.status).toBe(401);
    expect(entries()).toContainEqual(
      expect.objectContaining({
        msg: "sign-in failed",
        method: "/sign-in/email",
        account: ADMIN.email,
        address: "198.51.100.23",
        code: "INVALID_EMAIL_OR_PASSWORD",
      }),
    );
    expect(lines.join("\n")).not.toContain("not-the-admin-password");
  });

  it("logs successful sign-ins, sign-outs and bans", async () => {
    const user = await signUp(logged, "Logged");
    const token = await logged.signIn(user.email, PASSWORD);
    expect(entries()).toContainEqual(
      expect.objectContaining({ msg: "sign-in succeeded", method: "/sign-in/email", userId: user.id }),
    );
    const out = await logged.request("/api/auth/sign-out", { token, method: "POST", json: {} });
    expect(out.status).toBe(200);
    expect(entries()).toContainEqual(expect.objectContaining({ msg: "signed out" }));
    const ban = await logged.request("/api/auth/admin/ban-user", {
      token: adminToken,
      json: { userId: user.id, banReason: "spam" },
    });
    expect(ban.status).toBe(200);
    expect(entries()).toContainEqual(
      expect.objectContaining({
        msg: "administrative change",
        method: "/admin/ban-user",
        subject: user.id,
        actor: expect.any(String),
      }),
    );
  });

  it("logs administrative changes made through /v1 (roles, policies, API keys, memberships)", async () => {
    const role = await logged.request("/v1/roles", {
      token: adminToken,
      json: { name: `logged-${Date.now().toString(36)}` },
    });
    expect(role.status).toBe(201);
    expect(entries()).toContainEqual(
      expect.objectContaining({
        msg: "administrative change",
        event: "role.created",
        actor: expect.any(String),
      }),
    );
    const key = await logged.request("/v1/api-keys", {
      token: adminToken,
      json: { name: "logged key", roles: ["user"] },
    });
    expect(key.status).toBe(201);
    const created = (await key.json()) as { key?: string };
    expect(entries()).toContainEqual(
      expect.objectContaining({ msg: "administrative change", event: "api_key.created" }),
    );
    expect(lines.join("\n")).not.toContain(String(created.key));
  });
});
