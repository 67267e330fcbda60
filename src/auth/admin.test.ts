/**
 * The admin plugin end to end: every /api/auth/admin/* endpoint of seed 000 driven with the official
 * better-auth client against a running server, authenticated as the platform admin bootstrapped from
 * ADMIN_EMAIL/ADMIN_PASSWORD with a bearer session token. Runs on SQLite and on PostgreSQL+Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createAuthClient } from "better-auth/client";
import { adminClient } from "better-auth/client/plugins";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

let t: TestApp;
let client: ReturnType<typeof makeClient>;
let adminToken = "";
let adminId = "";
let counter = 0;

function makeClient(baseURL: string) {
  return createAuthClient({ baseURL, plugins: [adminClient()] });
}

function bearer(token: string, extra: Record<string, string> = {}) {
  return { headers: { authorization: `Bearer ${token}`, ...extra } };
}

const PASSWORD = "password-123";

/** The user fields docs/contracts.md promises in create-user's 200 body. */
const CONTRACT_USER_FIELDS = [
  "id",
  "name",
  "email",
  "emailVerified",
  "image",
  "createdAt",
  "updatedAt",
  "twoFactorEnabled",
  "phoneNumber",
  "phoneNumberVerified",
  "role",
  "banned",
  "banReason",
  "banExpires",
] as const;

interface Row {
  readonly [column: string]: unknown;
}

function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Date.now().toString(36)}@example.com`;
}

async function signIn(email: string, password: string): Promise<string> {
  const { data, error } = await client.signIn.email({ email, password });
  if (error || !data?.token) throw new Error(`sign-in of ${email} failed: ${JSON.stringify(error)}`);
  return data.token;
}

/** An ordinary user created by the admin, signed in once. */
async function newUser(label = "user"): Promise<{ id: string; email: string; token: string }> {
  const email = uniqueEmail(label);
  const { data, error } = await client.admin.createUser({
    email,
    password: PASSWORD,
    name: label,
    fetchOptions: bearer(adminToken),
  });
  if (error || !data) throw new Error(`create-user failed: ${JSON.stringify(error)}`);
  return { id: data.user.id, email, token: await signIn(email, PASSWORD) };
}

async function userRow(id: string): Promise<Row | undefined> {
  return t.deps.db.kysely.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst();
}

async function sessionRows(userId: string): Promise<Row[]> {
  return t.deps.db.kysely.selectFrom("session").selectAll().where("userId", "=", userId).execute();
}

async function accountRows(userId: string): Promise<Row[]> {
  return t.deps.db.kysely.selectFrom("account").selectAll().where("userId", "=", userId).execute();
}

async function sessionUserEmail(token: string): Promise<string | null> {
  const { data } = await client.getSession({ fetchOptions: bearer(token) });
  return data?.user.email ?? null;
}

/** A raw request for what the typed client cannot send (malformed bodies). */
function post(path: string, body: string, token: string): Promise<Response> {
  return fetch(`${t.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, origin: t.baseUrl },
    body,
  });
}

beforeAll(async () => {
  t = await createTestApp();
  await t.listen();
  client = makeClient(t.baseUrl);
  adminToken = await signIn(ADMIN.email, ADMIN.password);
  const session = await client.getSession({ fetchOptions: bearer(adminToken) });
  adminId = session.data?.user.id ?? "";
});
afterAll(() => t.close());

describe("POST /api/auth/admin/create-user", () => {
  it("returns 200 with the contract's user shape and stores the user with an argon2id credential", async () => {
    const email = uniqueEmail("created");
    const { data, error } = await client.admin.createUser({
      email: email.toUpperCase(),
      password: PASSWORD,
      name: "Created User",
      role: "user",
      data: { emailVerified: true },
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    const user = data?.user as unknown as Record<string, unknown>;
    for (const field of CONTRACT_USER_FIELDS) expect(user).toHaveProperty(field);
    expect(user).toMatchObject({
      name: "Created User",
      email, // stored lower-case
      emailVerified: true,
      image: null,
      twoFactorEnabled: false,
      phoneNumber: null,
      role: "user",
      banned: false,
      banReason: null,
      banExpires: null,
    });
    expect(typeof user.id).toBe("string");
    expect(Number.isNaN(Date.parse(String(user.createdAt)))).toBe(false);
    expect(Number.isNaN(Date.parse(String(user.updatedAt)))).toBe(false);

    const row = await userRow(String(user.id));
    expect(row?.email).toBe(email);
    expect(row?.role).toBe("user");
    const accounts = await accountRows(String(user.id));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.providerId).toBe("credential");
    expect(String(accounts[0]?.password)).toStartWith("$argon2id$");
    expect(await sessionUserEmail(await signIn(email, PASSWORD))).toBe(email);
  });

  it("creates an admin when asked for role admin", async () => {
    const email = uniqueEmail("second-admin");
    const { data } = await client.admin.createUser({
      email,
      password: PASSWORD,
      name: "Second Admin",
      role: "admin",
      fetchOptions: bearer(adminToken),
    });
    expect(data?.user.role).toBe("admin");
    const token = await signIn(email, PASSWORD);
    const list = await client.admin.listUsers({ query: { limit: 1 }, fetchOptions: bearer(token) });
    expect(list.error).toBeNull();
  });

  it("returns 400 VALIDATION_ERROR when the e-mail is missing", async () => {
    const response = await post(
      "/admin/create-user",
      JSON.stringify({ password: PASSWORD, name: "x" }),
      adminToken,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR", message: expect.any(String) });
  });

  it("returns 400 INVALID_EMAIL for a malformed e-mail and creates nothing", async () => {
    const { error } = await client.admin.createUser({
      email: "not-an-email",
      password: PASSWORD,
      name: "x",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toMatchObject({ status: 400, code: "INVALID_EMAIL", message: expect.any(String) });
    const rows = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", "not-an-email")
      .execute();
    expect(rows).toHaveLength(0);
  });

  it("returns 400 PASSWORD_TOO_SHORT for a password under 8 characters and creates nothing", async () => {
    const email = uniqueEmail("short");
    const { error } = await client.admin.createUser({
      email,
      password: "short",
      name: "x",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toMatchObject({ status: 400, code: "PASSWORD_TOO_SHORT", message: expect.any(String) });
    const rows = await t.deps.db.kysely.selectFrom("user").select("id").where("email", "=", email).execute();
    expect(rows).toHaveLength(0);
  });

  it("returns 400 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL for a taken e-mail, whatever its case", async () => {
    const { error } = await client.admin.createUser({
      email: ADMIN.email.toUpperCase(),
      password: PASSWORD,
      name: "Impostor",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toMatchObject({ status: 400, code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });
    const rows = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", ADMIN.email)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("returns 400 for a malformed JSON body and for wrong types, never 500", async () => {
    const malformed = await post("/admin/create-user", "{", adminToken);
    expect(malformed.status).toBe(400);
    const wrongType = await post(
      "/admin/create-user",
      JSON.stringify({ email: 42, password: PASSWORD, name: ["x"] }),
      adminToken,
    );
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ code: "VALIDATION_ERROR", message: expect.any(String) });
  });
});

describe("POST /api/auth/admin/update-user", () => {
  it("updates the user's fields and returns the user", async () => {
    const user = await newUser("update");
    const { data, error } = await client.admin.updateUser({
      userId: user.id,
      data: { name: "Renamed" },
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: user.id, name: "Renamed", email: user.email });
    expect((await userRow(user.id))?.name).toBe("Renamed");
  });

  it("returns 404 USER_NOT_FOUND for an unknown user", async () => {
    const { error } = await client.admin.updateUser({
      userId: "no-such-user",
      data: { name: "x" },
      fetchOptions: bearer(adminToken),
    });
    expect(error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
  });

  it("refuses an invalid e-mail, a password and an empty update with 400", async () => {
    const user = await newUser("update-bad");
    const cases: [Record<string, unknown>, string][] = [
      [{ email: "nope" }, "INVALID_EMAIL"],
      [{ password: "new-password-1" }, "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER"],
      [{}, "NO_DATA_TO_UPDATE"],
    ];
    for (const [data, code] of cases) {
      const { error } = await client.admin.updateUser({
        userId: user.id,
        data,
        fetchOptions: bearer(adminToken),
      });
      expect(error).toMatchObject({ status: 400, code });
    }
    expect((await userRow(user.id))?.email).toBe(user.email);
  });
});

describe("POST /api/auth/admin/set-role", () => {
  it("changes the role, which takes effect on the user's next request", async () => {
    const user = await newUser("promoted");
    const { data, error } = await client.admin.setRole({
      userId: user.id,
      role: "admin",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data?.user).toMatchObject({ id: user.id, role: "admin" });
    expect((await userRow(user.id))?.role).toBe("admin");
    const list = await client.admin.listUsers({ query: {}, fetchOptions: bearer(user.token) });
    expect(list.error).toBeNull();
  });

  it("returns 404 USER_NOT_FOUND for an unknown user", async () => {
    const { error } = await client.admin.setRole({
      userId: "no-such-user",
      role: "admin",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
  });
});

describe("GET /api/auth/admin/list-users", () => {
  it("lists, searches and pages users with a total", async () => {
    const user = await newUser("listed");
    const all = await client.admin.listUsers({ query: {}, fetchOptions: bearer(adminToken) });
    const total = await t.deps.db.kysely
      .selectFrom("user")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(all.data?.total).toBe(Number(total.n));
    expect(all.data?.users.map((u) => u.email)).toContain(user.email);

    const found = await client.admin.listUsers({
      query: { searchField: "email", searchOperator: "contains", searchValue: user.email },
      fetchOptions: bearer(adminToken),
    });
    expect(found.data?.users.map((u) => u.id)).toEqual([user.id]);
    expect(found.data?.total).toBe(1);

    const sorted = await client.admin.listUsers({
      query: { sortBy: "email", sortDirection: "desc" },
      fetchOptions: bearer(adminToken),
    });
    const page = await client.admin.listUsers({
      query: { limit: 1, offset: 1, sortBy: "email", sortDirection: "desc" },
      fetchOptions: bearer(adminToken),
    });
    expect(page.data?.users.map((u) => u.email)).toEqual([sorted.data?.users[1]?.email ?? "missing"]);
    expect(page.data).toMatchObject({ limit: 1, offset: 1, total: Number(total.n) });
  });
});

describe("POST /api/auth/admin/list-user-sessions", () => {
  it("returns every session of the user", async () => {
    const user = await newUser("sessions");
    await signIn(user.email, PASSWORD);
    const { data, error } = await client.admin.listUserSessions({
      userId: user.id,
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data?.sessions).toHaveLength(2);
    for (const session of data?.sessions ?? []) expect(session.userId).toBe(user.id);
    // Named by id, without their tokens (issue #10 item 15).
    const rows = await sessionRows(user.id);
    expect(data?.sessions.map((s) => s.id).sort()).toEqual(rows.map((row) => String(row.id)).sort());
    expect(JSON.stringify(data)).not.toContain(user.token);
  });

  it("returns 400 VALIDATION_ERROR without a userId", async () => {
    const response = await post("/admin/list-user-sessions", "{}", adminToken);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
  });
});

describe("POST /api/auth/admin/ban-user and /unban-user", () => {
  it("ends the user's sessions at once and refuses its sign-in with 403 BANNED_USER until unbanned", async () => {
    const user = await newUser("banned");
    expect(await sessionUserEmail(user.token)).toBe(user.email);

    const { data, error } = await client.admin.banUser({
      userId: user.id,
      banReason: "spam",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data?.user).toMatchObject({ id: user.id, banned: true, banReason: "spam", banExpires: null });
    expect(Boolean((await userRow(user.id))?.banned)).toBe(true);

    // The old bearer token is dead: no session, and session-protected endpoints answer 401.
    expect(await sessionUserEmail(user.token)).toBeNull();
    const sessions = await client.listSessions({ fetchOptions: bearer(user.token) });
    expect(sessions.error?.status).toBe(401);
    expect(await sessionRows(user.id)).toHaveLength(0);

    const refused = await client.signIn.email({ email: user.email, password: PASSWORD });
    expect(refused.error).toMatchObject({ status: 403, code: "BANNED_USER", message: expect.any(String) });
    expect(await sessionRows(user.id)).toHaveLength(0);

    const unbanned = await client.admin.unbanUser({ userId: user.id, fetchOptions: bearer(adminToken) });
    expect(unbanned.data?.user).toMatchObject({ id: user.id, banned: false, banReason: null });
    expect(await sessionUserEmail(await signIn(user.email, PASSWORD))).toBe(user.email);
  });

  it("sets banExpires from banExpiresIn", async () => {
    const user = await newUser("ban-expiring");
    const before = Date.now();
    const { data } = await client.admin.banUser({
      userId: user.id,
      banExpiresIn: 3600,
      fetchOptions: bearer(adminToken),
    });
    const expires = Date.parse(String(data?.user.banExpires));
    expect(expires).toBeGreaterThanOrEqual(before + 3599_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3601_000);
  });

  it("refuses to ban the caller itself and unknown users", async () => {
    const self = await client.admin.banUser({ userId: adminId, fetchOptions: bearer(adminToken) });
    expect(self.error).toMatchObject({ status: 400, code: "YOU_CANNOT_BAN_YOURSELF" });
    const unknown = await client.admin.banUser({ userId: "no-such-user", fetchOptions: bearer(adminToken) });
    expect(unknown.error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
    const unban = await client.admin.unbanUser({ userId: "no-such-user", fetchOptions: bearer(adminToken) });
    expect(unban.error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
  });

  it("returns 400 VALIDATION_ERROR when banExpiresIn is not a number", async () => {
    const user = await newUser("ban-bad-input");
    const response = await post(
      "/admin/ban-user",
      JSON.stringify({ userId: user.id, banExpiresIn: "soon" }),
      adminToken,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
    expect(Boolean((await userRow(user.id))?.banned)).toBe(false);
  });
});

describe("POST /api/auth/admin/impersonate-user and /stop-impersonating", () => {
  it("gives the admin a session as the user and returns to the admin session afterwards", async () => {
    const user = await newUser("impersonated");
    let impersonationToken = "";
    let adminCookie = "";
    const { data, error } = await client.admin.impersonateUser({
      userId: user.id,
      fetchOptions: {
        ...bearer(adminToken),
        onSuccess: ({ response }) => {
          impersonationToken = response.headers.get("set-auth-token") ?? "";
          // The admin's own session travels in a signed cookie; stop-impersonating needs it back.
          adminCookie =
            response.headers
              .getSetCookie()
              .find((cookie) => cookie.includes("admin_session="))
              ?.split(";")[0] ?? "";
        },
      },
    });
    expect(error).toBeNull();
    expect(data?.user.id).toBe(user.id);
    expect(data?.session).toMatchObject({ userId: user.id, impersonatedBy: adminId });
    expect(impersonationToken).not.toBe("");
    expect(adminCookie).not.toBe("");

    const asUser = await client.getSession({ fetchOptions: bearer(impersonationToken) });
    expect(asUser.data?.user.id).toBe(user.id);
    expect(asUser.data?.session).toMatchObject({ impersonatedBy: adminId });
    // The user's own session list does not show the admin's impersonation session.
    const own = await client.listSessions({ fetchOptions: bearer(user.token) });
    const impersonationRow = (await sessionRows(user.id)).find((row) => row.impersonatedBy);
    expect(own.data?.map((s) => s.id)).not.toContain(impersonationRow?.id);

    const stopped = await client.admin.stopImpersonating({
      fetchOptions: bearer(impersonationToken, { cookie: adminCookie }),
    });
    expect(stopped.error).toBeNull();
    expect(stopped.data?.user.id).toBe(adminId);
    expect(stopped.data?.session.token).toBe(adminToken);
    expect(await sessionUserEmail(impersonationToken)).toBeNull();
    expect(await sessionUserEmail(adminToken)).toBe(ADMIN.email);
    const rows = await sessionRows(user.id);
    expect(rows.filter((row) => row.impersonatedBy)).toHaveLength(0);
  });

  it("returns 400 ADMIN_SESSION_NOT_FOUND, not 500, when the admin session cookie is missing", async () => {
    const user = await newUser("impersonated-bearer-only");
    let impersonationToken = "";
    await client.admin.impersonateUser({
      userId: user.id,
      fetchOptions: {
        ...bearer(adminToken),
        onSuccess: ({ response }) => {
          impersonationToken = response.headers.get("set-auth-token") ?? "";
        },
      },
    });
    const { error } = await client.admin.stopImpersonating({ fetchOptions: bearer(impersonationToken) });
    expect(error).toMatchObject({
      status: 400,
      code: "ADMIN_SESSION_NOT_FOUND",
      message: expect.any(String),
    });
  });

  it("returns 400 NOT_IMPERSONATING for a session that is not an impersonation", async () => {
    const { error } = await client.admin.stopImpersonating({ fetchOptions: bearer(adminToken) });
    expect(error).toMatchObject({ status: 400, code: "NOT_IMPERSONATING", message: expect.any(String) });
  });

  it("refuses to impersonate another admin (403) or an unknown user (404)", async () => {
    const other = await client.admin.createUser({
      email: uniqueEmail("admin-target"),
      password: PASSWORD,
      name: "Other Admin",
      role: "admin",
      fetchOptions: bearer(adminToken),
    });
    const admin = await client.admin.impersonateUser({
      userId: other.data?.user.id ?? "",
      fetchOptions: bearer(adminToken),
    });
    expect(admin.error).toMatchObject({ status: 403, code: "YOU_CANNOT_IMPERSONATE_ADMINS" });
    const unknown = await client.admin.impersonateUser({
      userId: "no-such-user",
      fetchOptions: bearer(adminToken),
    });
    expect(unknown.error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
  });
});

describe("POST /api/auth/admin/revoke-user-session", () => {
  it("ends exactly the given session", async () => {
    const user = await newUser("revoke-one");
    const second = await signIn(user.email, PASSWORD);
    const { data, error } = await client.admin.revokeUserSession({
      sessionToken: user.token,
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data).toEqual({ success: true });
    expect(await sessionUserEmail(user.token)).toBeNull();
    expect(await sessionUserEmail(second)).toBe(user.email);
    expect((await sessionRows(user.id)).map((row) => row.token)).toEqual([second]);
  });

  it("returns 400 VALIDATION_ERROR without a sessionToken", async () => {
    const response = await post("/admin/revoke-user-session", "{}", adminToken);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
  });
});

describe("POST /api/auth/admin/revoke-user-sessions", () => {
  it("ends every session of the user and no one else's", async () => {
    const user = await newUser("revoke-all");
    const second = await signIn(user.email, PASSWORD);
    const { data, error } = await client.admin.revokeUserSessions({
      userId: user.id,
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data).toEqual({ success: true });
    expect(await sessionUserEmail(user.token)).toBeNull();
    expect(await sessionUserEmail(second)).toBeNull();
    expect(await sessionRows(user.id)).toHaveLength(0);
    expect(await sessionUserEmail(adminToken)).toBe(ADMIN.email);
  });
});

describe("POST /api/auth/admin/remove-user", () => {
  it("deletes the user with its sessions and accounts", async () => {
    const user = await newUser("removed");
    expect(await accountRows(user.id)).toHaveLength(1);
    const { data, error } = await client.admin.removeUser({
      userId: user.id,
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data).toEqual({ success: true });
    expect(await userRow(user.id)).toBeUndefined();
    expect(await sessionRows(user.id)).toHaveLength(0);
    expect(await accountRows(user.id)).toHaveLength(0);
    expect(await sessionUserEmail(user.token)).toBeNull();
    const again = await client.signIn.email({ email: user.email, password: PASSWORD });
    expect(again.error).toMatchObject({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" });
  });

  it("refuses to remove the caller itself (400) and unknown users (404)", async () => {
    const self = await client.admin.removeUser({ userId: adminId, fetchOptions: bearer(adminToken) });
    expect(self.error).toMatchObject({ status: 400, code: "YOU_CANNOT_REMOVE_YOURSELF" });
    expect(await userRow(adminId)).toBeDefined();
    const unknown = await client.admin.removeUser({
      userId: "no-such-user",
      fetchOptions: bearer(adminToken),
    });
    expect(unknown.error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
  });
});

describe("POST /api/auth/admin/set-user-password", () => {
  it("replaces the password: the old one stops working, the new one works", async () => {
    const user = await newUser("set-pw");
    const { data, error } = await client.admin.setUserPassword({
      userId: user.id,
      newPassword: "brand-new-password",
      fetchOptions: bearer(adminToken),
    });
    expect(error).toBeNull();
    expect(data).toEqual({ status: true });
    const old = await client.signIn.email({ email: user.email, password: PASSWORD });
    expect(old.error).toMatchObject({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" });
    expect(await sessionUserEmail(await signIn(user.email, "brand-new-password"))).toBe(user.email);
    const accounts = await accountRows(user.id);
    expect(String(accounts[0]?.password)).toStartWith("$argon2id$");
  });

  it("refuses a short password (400) and an unknown user (404)", async () => {
    const user = await newUser("set-pw-bad");
    const short = await client.admin.setUserPassword({
      userId: user.id,
      newPassword: "short",
      fetchOptions: bearer(adminToken),
    });
    expect(short.error).toMatchObject({ status: 400, code: "PASSWORD_TOO_SHORT" });
    expect(await sessionUserEmail(await signIn(user.email, PASSWORD))).toBe(user.email);
    const unknown = await client.admin.setUserPassword({
      userId: "no-such-user",
      newPassword: "brand-new-password",
      fetchOptions: bearer(adminToken),
    });
    expect(unknown.error).toMatchObject({ status: 404, code: "USER_NOT_FOUND" });
  });
});

describe("POST /api/auth/admin/has-permission", () => {
  it("answers for the caller's own role", async () => {
    const user = await newUser("permission");
    const asAdmin = await client.admin.hasPermission({
      permissions: { user: ["ban", "delete"] },
      fetchOptions: bearer(adminToken),
    });
    expect(asAdmin.data).toEqual({ error: null, success: true });
    const asUser = await client.admin.hasPermission({
      permissions: { user: ["ban"] },
      fetchOptions: bearer(user.token),
    });
    expect(asUser.data).toEqual({ error: null, success: false });
    // A signed-in caller cannot ask about someone else: the session's role always wins.
    const forAdmin = await client.admin.hasPermission({
      userId: adminId,
      permissions: { user: ["ban"] },
      fetchOptions: bearer(user.token),
    });
    expect(forAdmin.data).toEqual({ error: null, success: false });
  });

  it("returns 400 VALIDATION_ERROR without permissions", async () => {
    const response = await post("/admin/has-permission", "{}", adminToken);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
  });
});

describe("admin endpoints for callers who are not admins", () => {
  let user: { id: string; email: string; token: string };
  let target: { id: string; email: string; token: string };

  beforeAll(async () => {
    user = await newUser("ordinary");
    target = await newUser("target");
  });

  /** Each admin endpoint with a valid body aimed at a real user, so a refusal cannot be a 404 in disguise. */
  function endpoints(): [
    path: string,
    method: "GET" | "POST",
    body: Record<string, unknown> | undefined,
    code: string,
  ][] {
    return [
      [
        "/admin/create-user",
        "POST",
        { email: uniqueEmail("x"), password: PASSWORD, name: "x" },
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS",
      ],
      [
        "/admin/update-user",
        "POST",
        { userId: target.id, data: { name: "hacked" } },
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS",
      ],
      [
        "/admin/set-role",
        "POST",
        { userId: user.id, role: "admin" },
        "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE",
      ],
      ["/admin/list-users", "GET", undefined, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS"],
      [
        "/admin/list-user-sessions",
        "POST",
        { userId: target.id },
        "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS",
      ],
      ["/admin/ban-user", "POST", { userId: target.id }, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"],
      ["/admin/unban-user", "POST", { userId: target.id }, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"],
      ["/admin/impersonate-user", "POST", { userId: target.id }, "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS"],
      [
        "/admin/revoke-user-session",
        "POST",
        { sessionToken: target.token },
        "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS",
      ],
      [
        "/admin/revoke-user-sessions",
        "POST",
        { userId: target.id },
        "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS",
      ],
      ["/admin/remove-user", "POST", { userId: target.id }, "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS"],
      [
        "/admin/set-user-password",
        "POST",
        { userId: target.id, newPassword: "hijacked-password" },
        "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD",
      ],
    ];
  }

  it("answers 403 with {code, message} to a signed-in ordinary user on every admin endpoint and changes nothing", async () => {
    const before = await userRow(target.id);
    for (const [path, method, body, code] of endpoints()) {
      const { error } = await client.$fetch(path, { method, body, ...bearer(user.token) });
      expect({ path, error }).toMatchObject({
        path,
        error: { status: 403, code, message: expect.any(String) },
      });
    }
    expect(await userRow(target.id)).toEqual(before);
    expect((await userRow(user.id))?.role).toBe("user");
    expect(await sessionUserEmail(target.token)).toBe(target.email);
    expect(await sessionUserEmail(await signIn(target.email, PASSWORD))).toBe(target.email);
  });

  it("answers 401 to an anonymous caller on every admin endpoint", async () => {
    const all = [
      ...endpoints().map(([path, method, body]) => [path, method, body] as const),
      ["/admin/stop-impersonating", "POST", {}] as const,
      ["/admin/has-permission", "POST", { permissions: { user: ["list"] } }] as const,
    ];
    for (const [path, method, body] of all) {
      const { error } = await client.$fetch(path, { method, body });
      // better-auth answers these with an empty body; Gatehouse gives every refusal the {code, message} shape.
      const code = (error as { code?: string } | null)?.code;
      expect({ path, status: error?.status, code }).toEqual({
        path,
        status: 401,
        code: "UNAUTHORIZED",
      });
      expect(error?.message).toBeTruthy();
    }
    expect(await userRow(target.id)).toBeDefined();
  });

  it("answers an ordinary user's stop-impersonating with 400 and its has-permission with false", async () => {
    const stop = await client.admin.stopImpersonating({ fetchOptions: bearer(user.token) });
    expect(stop.error).toMatchObject({ status: 400, code: "NOT_IMPERSONATING" });
    const permission = await client.admin.hasPermission({
      permissions: { user: ["list"] },
      fetchOptions: bearer(user.token),
    });
    expect(permission.data).toEqual({ error: null, success: false });
  });

  it("answers 401 to a bearer token that is not a session", async () => {
    const { error } = await client.admin.listUsers({
      query: {},
      fetchOptions: bearer("not-a-session-token"),
    });
    expect(error?.status).toBe(401);
  });
});
