import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import {
  type AuthJson,
  call,
  type HasuraErrorJson,
  type HasuraUserJson,
  keysOf,
  seed004,
} from "../../../test/helpers/hasura.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";

let t: TestApp;
let admin: string;
const seed = seed004();

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn(ADMIN.email, ADMIN.password);
  // The seed's examples assign roles a Hasura project would have created first.
  for (const role of ["merchant", "something"]) {
    expect((await call(t, "POST", "/v1/admin/create-role", { token: admin, json: { role } })).status).toBe(
      200,
    );
  }
});
afterAll(() => t.close());

async function createUser(json: unknown) {
  return call<HasuraUserJson>(t, "POST", "/v1/admin/create-user", { token: admin, json });
}

async function login(username: string, password: string) {
  return call<AuthJson>(t, "POST", "/v1/login", {
    json: { provider: "username", data: { username, password } },
  });
}

async function sessionAlive(token: string): Promise<boolean> {
  const response = await t.request("/api/auth/get-session", { token });
  return response.status === 200 && (await response.json()) !== null;
}

function expectError(answer: { status: number; body: unknown }, status: number, code: string) {
  expect(answer.status).toBe(status);
  const body = answer.body as HasuraErrorJson;
  expect(Object.keys(body).sort()).toEqual(["code", "message"]);
  expect(body.code).toBe(code);
  expect(body.message.length).toBeGreaterThan(0);
}

describe("POST /v1/admin/create-user (seed 004, sent verbatim)", () => {
  const expected: Record<string, Pick<HasuraUserJson, "email" | "mobile" | "username">> = {
    username: { email: null, mobile: null, username: "something123" },
    email: { email: "something@email.com", mobile: null, username: null },
    "mobile-password": { email: null, mobile: "919999999999", username: null },
    mobile: { email: null, mobile: "919999999999", username: null },
  };

  for (const [provider, identifiers] of Object.entries(expected)) {
    it(`answers 200 with the seed's user object for provider ${provider}`, async () => {
      const raw = seed.requests[provider] as string;
      const created = await call<HasuraUserJson>(t, "POST", "/v1/admin/create-user", { token: admin, raw });
      expect(created.status).toBe(200);
      expect(Object.keys(created.body).sort()).toEqual(keysOf(seed.response).sort());
      const user = created.body;
      expect(Number.isInteger(user.hasura_id)).toBe(true);
      expect(user).toEqual({
        hasura_id: user.hasura_id,
        hasura_roles: ["user", "merchant", "something"],
        auth_token: null,
        ...identifiers,
        created: user.created,
        last_login: null,
        is_active: true,
        extra_info: {},
      });
      expect(new Date(user.created).toISOString()).toBe(user.created);

      // The same user, under the same integer id, through the admin read.
      const read = await call<HasuraUserJson>(t, "GET", `/v1/admin/user/${user.hasura_id}`, { token: admin });
      expect(read).toEqual({ status: 200, body: user });

      // The seed's examples share their identifiers: remove this one before the next provider's.
      const deleted = await call<{ details: Record<string, string>; message: string }>(
        t,
        "POST",
        "/v1/admin/delete-user",
        { token: admin, json: { hasura_id: user.hasura_id } },
      );
      expect(deleted.status).toBe(200);
      expect(deleted.body.details[provider]).toBe("deleted");
      expect(deleted.body.message).toBe(`User with hasura_id = ${user.hasura_id} is deleted`);
      expectError(
        await call(t, "GET", `/v1/admin/user/${user.hasura_id}`, { token: admin }),
        404,
        "not-found",
      );
    });
  }

  it("gives each user its own integer id, which a role change does not alter", async () => {
    const a = await createUser({ provider: "username", data: { username: "id_a", password: "password-1" } });
    const b = await createUser({ provider: "username", data: { username: "id_b", password: "password-1" } });
    expect(b.body.hasura_id).toBeGreaterThan(a.body.hasura_id);
    expect(a.body.hasura_roles).toEqual(["user"]);
    await call(t, "POST", "/v1/admin/add-role", {
      token: admin,
      json: { hasura_id: a.body.hasura_id, role: "merchant" },
    });
    const read = await call<HasuraUserJson>(t, "GET", `/v1/admin/user/${a.body.hasura_id}`, { token: admin });
    expect(read.body.hasura_id).toBe(a.body.hasura_id);
    expect(read.body.hasura_roles).toEqual(["user", "merchant"]);
  });

  it("creates an inactive user that cannot log in when is_active is false", async () => {
    const created = await createUser({
      provider: "username",
      data: { username: "sleeper", password: "password-1" },
      is_active: false,
    });
    expect(created.status).toBe(200);
    expect(created.body.is_active).toBe(false);
    expectError(await login("sleeper", "password-1"), 400, "not-active");
  });

  it("lets the created user log in with the given password", async () => {
    const created = await createUser({
      provider: "username",
      data: { username: "newbie", password: "password-1" },
    });
    const answer = await login("newbie", "password-1");
    expect(answer.status).toBe(200);
    expect(answer.body.hasura_id).toBe(created.body.hasura_id);
    expect(typeof answer.body.auth_token).toBe("string");
  });
});

describe("Hasura errors", () => {
  const body = { provider: "username", data: { username: "erruser", password: "password-1" } };

  it("returns 401 unauthorized without a token, before judging the body", async () => {
    expectError(await call(t, "POST", "/v1/admin/create-user", { json: body }), 401, "unauthorized");
    expectError(await call(t, "POST", "/v1/admin/create-user", { json: {} }), 401, "unauthorized");
    expectError(await call(t, "GET", "/v1/admin/roles", { token: "not-a-session" }), 401, "unauthorized");
  });

  it("returns 403 access-denied to a user without the admin role", async () => {
    await createUser({ provider: "username", data: { username: "plain", password: "password-1" } });
    const token = (await login("plain", "password-1")).body.auth_token as string;
    expectError(await call(t, "POST", "/v1/admin/create-user", { token, json: body }), 403, "access-denied");
    expectError(await call(t, "GET", "/v1/admin/roles", { token }), 403, "access-denied");
  });

  it("returns 400 invalid-args for a body that is not JSON, not an object, or lacks a key", async () => {
    for (const raw of ['{"provider"', "[]", '"x"', "", "{}"]) {
      expectError(await call(t, "POST", "/v1/admin/create-user", { token: admin, raw }), 400, "invalid-args");
    }
    const missing = await call(t, "POST", "/v1/admin/create-user", {
      token: admin,
      json: { provider: "username", data: { password: "password-1" } },
    });
    expectError(missing, 400, "invalid-args");
    expect(missing.body.message).toContain("username");
    expectError(
      await call(t, "POST", "/v1/admin/create-user", {
        token: admin,
        json: { provider: "mobile", data: { mobile: "12ab", country_code: "91" } },
      }),
      400,
      "invalid-args",
    );
    expectError(
      await call(t, "POST", "/v1/admin/create-user", {
        token: admin,
        json: { ...body, roles: "user" },
      }),
      400,
      "invalid-args",
    );
    expectError(await call(t, "GET", "/v1/admin/user/abc", { token: admin }), 400, "invalid-args");
    expectError(
      await call(t, "POST", "/v1/admin/delete-user", { token: admin, json: { hasura_id: "one" } }),
      400,
      "invalid-args",
    );
  });

  it("returns 400 invalid-provider for an unknown provider", async () => {
    expectError(
      await createUser({ provider: "google", data: { username: "x", password: "password-1" } }),
      400,
      "invalid-provider",
    );
  });

  it("returns 400 invalid-password for a password shorter than 8", async () => {
    expectError(
      await createUser({ provider: "username", data: { username: "shorty", password: "short" } }),
      400,
      "invalid-password",
    );
    expectError(
      await createUser({
        provider: "mobile-password",
        data: { mobile: "9000000001", country_code: "91", password: "1234567" },
      }),
      400,
      "invalid-password",
    );
  });

  it("returns 400 invalid-email for a malformed address", async () => {
    expectError(
      await createUser({ provider: "email", data: { email: "not-an-email", password: "password-1" } }),
      400,
      "invalid-email",
    );
  });

  it("returns 400 user-exists and email-exists for taken identifiers", async () => {
    expect((await createUser(body)).status).toBe(200);
    expectError(await createUser(body), 400, "user-exists");
    const mobile = { provider: "mobile", data: { mobile: "9000000002", country_code: "91" } };
    expect((await createUser(mobile)).status).toBe(200);
    expectError(
      await createUser({ provider: "mobile-password", data: { ...mobile.data, password: "password-1" } }),
      400,
      "user-exists",
    );
    const email = { provider: "email", data: { email: "taken@example.com", password: "password-1" } };
    expect((await createUser(email)).status).toBe(200);
    expectError(
      await createUser({ ...email, data: { ...email.data, email: "TAKEN@example.com" } }),
      400,
      "email-exists",
    );
  });

  it("returns 400 no-role for a role that does not exist, and creates nothing", async () => {
    const answer = await createUser({
      ...body,
      data: { ...body.data, username: "roleless" },
      roles: ["ghost"],
    });
    expectError(answer, 400, "no-role");
    expectError(await login("roleless", "password-1"), 400, "invalid-creds");
  });

  it("returns 404 not-found for an unknown hasura_id", async () => {
    expectError(await call(t, "GET", "/v1/admin/user/999999", { token: admin }), 404, "not-found");
    for (const path of [
      "/v1/admin/delete-user",
      "/v1/admin/user/activate",
      "/v1/admin/remove-all-sessions",
    ]) {
      expectError(
        await call(t, "POST", path, { token: admin, json: { hasura_id: 999999 } }),
        404,
        "not-found",
      );
    }
    expectError(
      await call(t, "POST", "/v1/admin/add-role", {
        token: admin,
        json: { hasura_id: 999999, role: "user" },
      }),
      404,
      "not-found",
    );
  });
});

describe("an admin acting on itself", () => {
  it("cannot delete itself, deactivate itself or drop its own admin role (400 invalid-args), and stays intact", async () => {
    const own = await t.deps.db.kysely
      .selectFrom("user")
      .select(["id", "numericId"])
      .where("email", "=", ADMIN.email)
      .executeTakeFirstOrThrow();
    const hasuraId = Number(own.numericId);
    for (const [path, json] of [
      ["/v1/admin/delete-user", { hasura_id: hasuraId }],
      ["/v1/admin/user/deactivate", { hasura_id: hasuraId }],
      ["/v1/admin/remove-role", { hasura_id: hasuraId, role: "admin" }],
    ] as const) {
      expectError(await call(t, "POST", path, { token: admin, json }), 400, "invalid-args");
    }
    expect(await sessionAlive(admin)).toBe(true);
    const after = await t.deps.db.kysely
      .selectFrom("user")
      .select(["role", "banned"])
      .where("id", "=", own.id)
      .executeTakeFirst();
    expect(after?.role).toContain("admin");
    expect(Boolean(after?.banned)).toBe(false);
  });
});

describe("admin user actions", () => {
  let user: HasuraUserJson;
  beforeAll(async () => {
    user = (await createUser({ provider: "username", data: { username: "subject", password: "password-1" } }))
      .body;
  });

  async function token(): Promise<string> {
    const answer = await login("subject", "password-1");
    expect(answer.status).toBe(200);
    return answer.body.auth_token as string;
  }

  it("add-role and remove-role change the roles and end the user's sessions", async () => {
    const session = await token();
    expect(await sessionAlive(session)).toBe(true);
    const added = await call(t, "POST", "/v1/admin/add-role", {
      token: admin,
      json: { hasura_id: user.hasura_id, role: "merchant" },
    });
    expect(added.status).toBe(200);
    expect(await sessionAlive(session)).toBe(false);
    const after = await call<HasuraUserJson>(t, "GET", `/v1/admin/user/${user.hasura_id}`, { token: admin });
    expect(after.body.hasura_roles).toEqual(["user", "merchant"]);

    const next = await token();
    // Hasura's documented path (/v1/admin/user/remove-role) is served too.
    const removed = await call(t, "POST", "/v1/admin/user/remove-role", {
      token: admin,
      json: { hasura_id: user.hasura_id, role: "merchant" },
    });
    expect(removed.status).toBe(200);
    expect(await sessionAlive(next)).toBe(false);
    const read = await call<HasuraUserJson>(t, "GET", `/v1/admin/user/${user.hasura_id}`, { token: admin });
    expect(read.body.hasura_roles).toEqual(["user"]);
    expect(read.body.last_login).not.toBeNull();
  });

  it("add-role of an unknown role is no-role and changes nothing", async () => {
    const session = await token();
    expectError(
      await call(t, "POST", "/v1/admin/add-role", {
        token: admin,
        json: { hasura_id: user.hasura_id, role: "ghost" },
      }),
      400,
      "no-role",
    );
    expect(await sessionAlive(session)).toBe(true);
  });

  it("remove-all-sessions ends every session of the user", async () => {
    const first = await token();
    const second = await token();
    const answer = await call(t, "POST", "/v1/admin/remove-all-sessions", {
      token: admin,
      json: { hasura_id: user.hasura_id },
    });
    expect(answer.status).toBe(200);
    expect(await sessionAlive(first)).toBe(false);
    expect(await sessionAlive(second)).toBe(false);
  });

  it("deactivate ends the sessions and refuses login in every dialect; activate restores it", async () => {
    const session = await token();
    const off = await call(t, "POST", "/v1/admin/user/deactivate", {
      token: admin,
      json: { hasura_id: user.hasura_id },
    });
    expect(off.status).toBe(200);
    expect(await sessionAlive(session)).toBe(false);
    expectError(await login("subject", "password-1"), 400, "not-active");
    const native = await t.request("/api/auth/sign-in/username", {
      json: { username: "subject", password: "password-1" },
    });
    expect(native.status).toBe(403);
    expect(((await native.json()) as { code: string }).code).toBe("BANNED_USER");
    const read = await call<HasuraUserJson>(t, "GET", `/v1/admin/user/${user.hasura_id}`, { token: admin });
    expect(read.body.is_active).toBe(false);

    const on = await call(t, "POST", "/v1/admin/user/activate", {
      token: admin,
      json: { hasura_id: user.hasura_id },
    });
    expect(on.status).toBe(200);
    expect(await sessionAlive(await token())).toBe(true);
  });
});

describe("global roles", () => {
  it("lists the default roles and the created ones", async () => {
    const answer = await call<{ roles: string[] }>(t, "GET", "/v1/admin/roles", { token: admin });
    expect(answer.status).toBe(200);
    expect(answer.body.roles).toEqual(
      expect.arrayContaining(["anonymous", "user", "admin", "merchant", "something"]),
    );
  });

  it("creates a role once; a second time is role-error", async () => {
    expect(
      (await call(t, "POST", "/v1/admin/create-role", { token: admin, json: { role: "auditor" } })).status,
    ).toBe(200);
    expectError(
      await call(t, "POST", "/v1/admin/create-role", { token: admin, json: { role: "auditor" } }),
      400,
      "role-error",
    );
    expectError(
      await call(t, "POST", "/v1/admin/create-role", { token: admin, json: { role: "admin" } }),
      400,
      "role-error",
    );
    expectError(
      await call(t, "POST", "/v1/admin/create-role", { token: admin, json: { role: "Bad Name" } }),
      400,
      "invalid-args",
    );
  });

  it("deletes a role no user holds; refuses default, held and unknown roles", async () => {
    expectError(
      await call(t, "POST", "/v1/admin/delete-role", { token: admin, json: { role: "user" } }),
      400,
      "role-error",
    );
    await call(t, "POST", "/v1/admin/create-role", { token: admin, json: { role: "holder_role" } });
    const held = await createUser({
      provider: "username",
      data: { username: "holder", password: "password-1" },
      roles: ["holder_role"],
    });
    expectError(
      await call(t, "POST", "/v1/admin/delete-role", { token: admin, json: { role: "holder_role" } }),
      400,
      "role-error",
    );
    await call(t, "POST", "/v1/admin/remove-role", {
      token: admin,
      json: { hasura_id: held.body.hasura_id, role: "holder_role" },
    });
    expect(
      (await call(t, "POST", "/v1/admin/delete-role", { token: admin, json: { role: "holder_role" } }))
        .status,
    ).toBe(200);
    const roles = await call<{ roles: string[] }>(t, "GET", "/v1/admin/roles", { token: admin });
    expect(roles.body.roles).not.toContain("holder_role");
    expectError(
      await call(t, "POST", "/v1/admin/delete-role", { token: admin, json: { role: "holder_role" } }),
      400,
      "no-role",
    );
  });
});
