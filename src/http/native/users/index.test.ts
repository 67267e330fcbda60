/**
 * /v1/users end to end: the seed 001 and seed 003 examples with real tokens and a real tenant id, every error
 * status with its body, paging and filters, changes and removal — each checked in the response and in the
 * database.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import {
  addUser,
  type Caller,
  call,
  createTenant,
  defaultTenantId,
  type ErrorJson,
  freshEmail,
  PASSWORD,
  memberRole as roleInTenant,
  signUp,
  type UserJson,
} from "../../../../test/helpers/v1.ts";

const USER_KEYS = [
  "active",
  "auth_provider",
  "avatar_base64",
  "created_at",
  "email",
  "email_verified",
  "id",
  "is_owner",
  "name",
  "roles",
  "status",
  "updated_at",
];
const ERROR_KEYS = ["code", "error", "message"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

let t: TestApp;
let adminToken = "";
let defaultId = "";
/** Tenant A: its owner, an admin and a plain user. */
let tenantA = "";
let owner: { id: string; email: string; token: string };
let adminA: { id: string; email: string; token: string };
let plainA: { id: string; email: string; token: string };
let asOwner: Caller;

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  defaultId = await defaultTenantId(t);
  owner = await signUp(t, "Owner");
  tenantA = await createTenant(t, owner.token, "acme");
  asOwner = { token: owner.token, tenant: tenantA };
  adminA = await addUser(t, asOwner, ["admin"], "Admin");
  plainA = await addUser(t, asOwner, ["user"], "Plain");
});

afterAll(async () => {
  await t?.close();
});

function expectError(answer: { status: number; body: unknown }, status: number, code: string) {
  expect(answer.status).toBe(status);
  const body = answer.body as ErrorJson;
  expect(body.code).toBe(code);
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe("string");
  expect(body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(body)) expect([...ERROR_KEYS, "details", "notices"]).toContain(key);
  return body;
}

const memberRole = (tenantId: string, userId: string) => roleInTenant(t, tenantId, userId);

async function userRow(userId: string) {
  return t.deps.db.kysely.selectFrom("user").selectAll().where("id", "=", userId).executeTakeFirst();
}

async function accountRows(userId: string) {
  return t.deps.db.kysely.selectFrom("account").selectAll().where("userId", "=", userId).execute();
}

async function sessionCount(userId: string): Promise<number> {
  const rows = await t.deps.db.kysely
    .selectFrom("session")
    .select("id")
    .where("userId", "=", userId)
    .execute();
  return rows.length;
}

async function canSignIn(email: string, password = PASSWORD): Promise<number> {
  return (await t.request("/api/auth/sign-in/email", { json: { email, password } })).status;
}

describe("POST /v1/users (seed 001)", () => {
  it("answers the seed's own body (e-mail `example`, password `example`) with 400 invalid_request on email", async () => {
    const seedBody = JSON.parse(
      '{"email":"example","name":"example","password":"example","roles":["user"],"auth_provider":"local"}',
    );
    const answer = await call(t, "POST", "/v1/users", asOwner, seedBody);
    expect(expectError(answer, 400, "invalid_request").details?.field).toBe("email");
  });

  it("creates a local user with the seed's fields and returns 201 with exactly the documented keys", async () => {
    const email = freshEmail("example");
    const answer = await call<UserJson>(t, "POST", "/v1/users", asOwner, {
      email,
      name: "example",
      password: "example-password",
      roles: ["user"],
      auth_provider: "local",
    });
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(USER_KEYS);
    const user = answer.body;
    expect(user.id).toMatch(UUID);
    expect(user).toMatchObject({
      email,
      name: "example",
      roles: ["user"],
      auth_provider: "local",
      active: true,
      email_verified: false,
      is_owner: false,
      avatar_base64: null,
      status: "active",
    });
    expect(user.created_at).toMatch(ISO);
    expect(user.updated_at).toMatch(ISO);
    expect(await memberRole(tenantA, user.id)).toBe("user");
    expect((await accountRows(user.id)).map((a) => a.providerId)).toEqual(["credential"]);
    expect(await canSignIn(email, "example-password")).toBe(200);
  });

  it("reports is_owner for the tenant owner", async () => {
    const answer = await call<UserJson>(t, "GET", `/v1/users/${owner.id}`, asOwner);
    expect(answer.status).toBe(200);
    expect(answer.body.is_owner).toBe(true);
    expect(answer.body.roles).toEqual(["owner"]);
  });

  it("accepts an X-Tenant-ID given as the tenant's slug", async () => {
    const slug = await t.deps.db.kysely
      .selectFrom("organization")
      .select("slug")
      .where("id", "=", tenantA)
      .executeTakeFirstOrThrow();
    const answer = await call(t, "GET", `/v1/users/${plainA.id}`, {
      token: owner.token,
      tenant: String(slug.slug),
    });
    expect(answer.status).toBe(200);
  });

  it("stores an avatar given as an image data URI", async () => {
    const answer = await call<UserJson>(t, "POST", "/v1/users", asOwner, {
      email: freshEmail("avatar"),
      name: "With Avatar",
      password: PASSWORD,
      roles: ["user"],
      avatar_base64: PNG,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.avatar_base64).toBe(PNG);
  });

  it("creates an oidc user without a password and without a credential account", async () => {
    const email = freshEmail("sso");
    const answer = await call<UserJson>(t, "POST", "/v1/users", asOwner, {
      email,
      name: "SSO User",
      roles: ["user"],
      auth_provider: "oidc",
    });
    expect(answer.status).toBe(201);
    expect(answer.body.auth_provider).toBe("oidc");
    expect(await accountRows(answer.body.id)).toEqual([]);
    expect(await canSignIn(email)).toBe(401);
  });

  it("creates a saml user without a password", async () => {
    const answer = await call<UserJson>(t, "POST", "/v1/users", asOwner, {
      email: freshEmail("saml"),
      name: "SAML User",
      roles: ["user"],
      auth_provider: "saml",
    });
    expect(answer.status).toBe(201);
    expect(answer.body.auth_provider).toBe("saml");
    expect(await accountRows(answer.body.id)).toEqual([]);
  });
});

describe("POST /v1/users (seed 003)", () => {
  const seedBody = () => ({
    email: freshEmail("newuser"),
    password: "strong_password_here",
    name: "Jane Doe",
  });

  it("creates an account with an admin's Bearer token in the default tenant: 201 {id, email, name, status, created_at, updated_at}", async () => {
    const body = seedBody();
    const answer = await call<UserJson>(t, "POST", "/v1/users", { token: adminToken }, body);
    expect(answer.status).toBe(201);
    for (const key of ["id", "email", "name", "status", "created_at", "updated_at"]) {
      expect(Object.keys(answer.body)).toContain(key);
    }
    expect(answer.body).toMatchObject({ email: body.email, name: "Jane Doe", status: "active" });
    expect(answer.body.created_at).toMatch(ISO);
    expect(await memberRole(defaultId, answer.body.id)).toBe("user");
  });

  it("is a public sign-up without Authorization: an active user of the default tenant who can sign in", async () => {
    const body = seedBody();
    const answer = await call<UserJson>(t, "POST", "/v1/users", {}, body);
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(USER_KEYS);
    expect(answer.body).toMatchObject({
      email: body.email,
      name: "Jane Doe",
      status: "active",
      active: true,
    });
    expect(answer.body.roles).toEqual(["user"]);
    expect(await memberRole(defaultId, answer.body.id)).toBe("user");
    expect(await canSignIn(body.email, body.password)).toBe(200);
  });

  it("accepts a public sign-up without a name", async () => {
    const answer = await call<UserJson>(
      t,
      "POST",
      "/v1/users",
      {},
      { email: freshEmail("noname"), password: PASSWORD },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.name).toBeNull();
  });

  it("never signs up into another tenant than the default one", async () => {
    const body = seedBody();
    const answer = await call(t, "POST", "/v1/users", { tenant: tenantA }, body);
    expectError(answer, 401, "unauthenticated");
    expect(
      await t.deps.db.kysely.selectFrom("user").select("id").where("email", "=", body.email).execute(),
    ).toEqual([]);
  });

  it("returns 409 email_exists (with `error` and `message`) when the e-mail is taken, whatever its case", async () => {
    const body = seedBody();
    expect((await call(t, "POST", "/v1/users", {}, body)).status).toBe(201);
    const again = await call(t, "POST", "/v1/users", {}, { ...body, email: body.email.toUpperCase() });
    expectError(again, 409, "email_exists");
    const byAdmin = await call(t, "POST", "/v1/users", asOwner, { ...body, roles: ["user"] });
    expectError(byAdmin, 409, "email_exists");
  });

  it("refuses a public sign-up that names roles or a provider with 401", async () => {
    const answer = await call(t, "POST", "/v1/users", {}, { ...seedBody(), roles: ["admin"] });
    expectError(answer, 401, "unauthenticated");
  });

  it("answers an expired or forged credential with 401, never as a public sign-up, and creates nothing", async () => {
    const body = seedBody();
    const forged = await call(t, "POST", "/v1/users", { token: "not-a-session-token" }, body);
    expectError(forged, 401, "unauthenticated");
    const revokedKey = await call(t, "POST", "/v1/users", { apiKey: "ghk_revoked-or-unknown" }, body);
    expectError(revokedKey, 401, "unauthenticated");
    const rows = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", body.email)
      .execute();
    expect(rows).toHaveLength(0);
  });
});

describe("POST /v1/users as a public sign-up, rate-limited", () => {
  it("allows 3 sign-ups a minute per address, like /sign-up/*, while credentialed creates are not slowed", async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_ENABLED: "true" } });
    try {
      const signUp = (i: number) =>
        limited.request("/v1/users", {
          json: { email: `burst-${i}@example.com`, password: "password-123" },
          ip: "198.51.100.7",
        });
      for (let i = 0; i < 3; i++) expect((await signUp(i)).status).toBe(201);
      const refused = await signUp(3);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: "RATE_LIMITED" });
      const admin = await limited.signIn(ADMIN.email, ADMIN.password);
      const created = await limited.request("/v1/users", {
        token: admin,
        json: { email: "by-admin@example.com", name: "By Admin", password: "password-123", roles: ["user"] },
        ip: "198.51.100.7",
      });
      expect(created.status).toBe(201);
    } finally {
      await limited.close();
    }
  });
});

describe("POST /v1/users with sign-up disabled", () => {
  it("refuses a public sign-up and creates nothing", async () => {
    const closed = await createTestApp({ env: { SIGN_UP_ENABLED: "false" } });
    try {
      const email = freshEmail("closed");
      const answer = await call(closed, "POST", "/v1/users", {}, { email, password: PASSWORD });
      expectError(answer, 403, "sign_up_disabled");
      const rows = await closed.deps.db.kysely
        .selectFrom("user")
        .select("id")
        .where("email", "=", email)
        .execute();
      expect(rows).toEqual([]);
      // An admin still creates users.
      const token = await closed.signIn(ADMIN.email, ADMIN.password);
      const byAdmin = await call(
        closed,
        "POST",
        "/v1/users",
        { token },
        { email, password: PASSWORD, name: "X" },
      );
      expect(byAdmin.status).toBe(201);
    } finally {
      await closed.close();
    }
  });
});

describe("POST /v1/users errors", () => {
  const valid = () => ({ email: freshEmail("bad"), name: "Bad Input", password: PASSWORD, roles: ["user"] });
  const big = `data:image/png;base64,${Buffer.alloc(256 * 1024 + 1, 1).toString("base64")}`;
  const cases: [string, Record<string, unknown>, string][] = [
    ["a malformed e-mail", { email: "not-an-email" }, "email"],
    ["a password under 8 characters", { password: "short7!" }, "password"],
    ["a password over 128 characters", { password: "p".repeat(129) }, "password"],
    ["an avatar that is not a data URI", { avatar_base64: "https://example.com/a.png" }, "avatar_base64"],
    ["an avatar that is not an image", { avatar_base64: "data:text/plain;base64,aGVsbG8=" }, "avatar_base64"],
    ["an avatar over 256 KB", { avatar_base64: big }, "avatar_base64"],
    ["an empty avatar", { avatar_base64: "" }, "avatar_base64"],
    ["a password for an oidc user", { auth_provider: "oidc" }, "password"],
    ["a password for a saml user", { auth_provider: "saml" }, "password"],
    ["an unknown auth_provider", { auth_provider: "ldap" }, "auth_provider"],
    ["no e-mail", { email: undefined }, "email"],
    ["no name", { name: undefined }, "name"],
    ["no password for a local user", { password: undefined }, "password"],
    ["an empty role list", { roles: [] }, "roles"],
    ["roles that are not a list", { roles: "admin" }, "roles"],
  ];
  for (const [what, change, field] of cases) {
    it(`returns 400 invalid_request with details.field=${field} for ${what}`, async () => {
      const body = { ...valid(), ...change };
      const answer = await call(t, "POST", "/v1/users", asOwner, body);
      expect(expectError(answer, 400, "invalid_request").details?.field).toBe(field);
      if (typeof body.email === "string") {
        const rows = await t.deps.db.kysely
          .selectFrom("user")
          .select("id")
          .where("email", "=", body.email)
          .execute();
        expect(rows).toEqual([]);
      }
    });
  }

  it("returns 401 unauthenticated for the seed 001 body without credentials", async () => {
    const answer = await call(
      t,
      "POST",
      "/v1/users",
      { tenant: tenantA },
      { ...valid(), auth_provider: "local" },
    );
    expectError(answer, 401, "unauthenticated");
  });

  it("returns 401 unauthenticated for an unknown Bearer token", async () => {
    const answer = await call(t, "POST", "/v1/users", { token: "not-a-session", tenant: tenantA }, valid());
    expectError(answer, 401, "unauthenticated");
  });

  it("returns 403 forbidden to a plain member, with no notices on a default deny", async () => {
    const answer = await call(t, "POST", "/v1/users", { token: plainA.token, tenant: tenantA }, valid());
    expect(expectError(answer, 403, "forbidden").notices).toEqual([]);
  });

  it("returns 403 forbidden with the deciding rule's notice when an admin grants owner", async () => {
    const body = { ...valid(), roles: ["owner"] };
    const answer = await call(t, "POST", "/v1/users", { token: adminA.token, tenant: tenantA }, body);
    expect(expectError(answer, 403, "forbidden").notices).toContain(
      "Only the tenant owner can grant the owner role.",
    );
    const rows = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", body.email)
      .execute();
    expect(rows).toEqual([]);
  });

  it("lets the owner grant owner", async () => {
    const answer = await call<UserJson>(t, "POST", "/v1/users", asOwner, { ...valid(), roles: ["owner"] });
    expect(answer.status).toBe(201);
    expect(answer.body.is_owner).toBe(true);
  });

  it("returns 403 tenant_mismatch when X-Tenant-ID names a tenant the caller is not a member of", async () => {
    // Not `default`: every account is a member there (issue #9).
    const stranger = await signUp(t, "Stranger");
    const elsewhere = await createTenant(t, stranger.token, "elsewhere");
    const answer = await call(t, "POST", "/v1/users", { token: owner.token, tenant: elsewhere }, valid());
    expectError(answer, 403, "tenant_mismatch");
  });

  it("returns 404 not_found for an unknown tenant", async () => {
    const answer = await call(
      t,
      "POST",
      "/v1/users",
      { token: owner.token, tenant: "no-such-tenant" },
      valid(),
    );
    expectError(answer, 404, "not_found");
  });

  it("returns 422 invalid_roles listing the roles the tenant does not have", async () => {
    const body = { ...valid(), roles: ["user", "wizard", "jedi"] };
    const answer = await call(t, "POST", "/v1/users", asOwner, body);
    expect(expectError(answer, 422, "invalid_roles").details?.invalid_roles).toEqual(["wizard", "jedi"]);
    const rows = await t.deps.db.kysely
      .selectFrom("user")
      .select("id")
      .where("email", "=", body.email)
      .execute();
    expect(rows).toEqual([]);
  });

  it("localizes the message by code", async () => {
    const stranger = await signUp(t, "Stranger De");
    const elsewhere = await createTenant(t, stranger.token, "anderswo");
    const response = await t.request("/v1/users?lang=de", {
      token: owner.token,
      headers: { "x-tenant-id": elsewhere, "accept-language": "de" },
      json: valid(),
    });
    const body = (await response.json()) as ErrorJson;
    expect(response.status).toBe(403);
    expect(body.code).toBe("tenant_mismatch");
    expect(body.message).toBe("X-Tenant-ID passt nicht zum Mandanten der Anmeldedaten");
  });
});

describe("GET /v1/users", () => {
  let tenantP = "";
  let asP: Caller;
  const names = ["Alpha Smith", "Bravo Jones", "Charlie Smith", "Delta Brown", "Echo Green", "Foxtrot Smith"];
  const ids: string[] = [];
  let ownerP = "";

  beforeAll(async () => {
    const o = await signUp(t, "Paging Owner");
    ownerP = o.id;
    tenantP = await createTenant(t, o.token, "paging");
    asP = { token: o.token, tenant: tenantP };
    for (const [i, name] of names.entries()) {
      const created = await call<UserJson>(t, "POST", "/v1/users", asP, {
        email: freshEmail(name.split(" ")[0]?.toLowerCase()),
        name,
        password: PASSWORD,
        roles: i % 2 === 0 ? ["admin"] : ["user"],
      });
      ids.push(created.body.id);
    }
  });

  it("pages through every member exactly once with limit and cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : "?limit=3";
      const page = await call<{ data: UserJson[]; next_cursor: string | null }>(
        t,
        "GET",
        `/v1/users${query}`,
        asP,
      );
      expect(page.status).toBe(200);
      expect(Object.keys(page.body).sort()).toEqual(["data", "next_cursor"]);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      for (const user of page.body.data) expect(Object.keys(user).sort()).toEqual(USER_KEYS);
      seen.push(...page.body.data.map((u) => u.id));
      cursor = page.body.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.length).toBe(ids.length + 1);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...ids, ownerP].sort());
  });

  it("answers one page with next_cursor null when everything fits", async () => {
    const page = await call<{ data: UserJson[]; next_cursor: string | null }>(
      t,
      "GET",
      "/v1/users?limit=50",
      asP,
    );
    expect(page.body.data.length).toBe(ids.length + 1);
    expect(page.body.next_cursor).toBeNull();
  });

  it("searches e-mail and name with q, case-insensitively", async () => {
    const byName = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?q=SMITH", asP);
    expect(byName.body.data.map((u) => u.name).sort()).toEqual([
      "Alpha Smith",
      "Charlie Smith",
      "Foxtrot Smith",
    ]);
    const byEmail = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?q=bravo-", asP);
    expect(byEmail.body.data.map((u) => u.name)).toEqual(["Bravo Jones"]);
    const wildcard = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?q=%25", asP);
    expect(wildcard.body.data).toEqual([]);
  });

  it("filters by role (whole role names)", async () => {
    const admins = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?role=admin", asP);
    expect(admins.body.data.map((u) => u.name).sort()).toEqual([
      "Alpha Smith",
      "Charlie Smith",
      "Echo Green",
    ]);
    const owners = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?role=owner", asP);
    expect(owners.body.data.map((u) => u.id)).toEqual([ownerP]);
    const partial = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?role=adm", asP);
    expect(partial.body.data).toEqual([]);
  });

  it("filters by status", async () => {
    const target = ids[1] as string;
    const patched = await call(t, "PATCH", `/v1/users/${target}`, asP, { active: false });
    expect(patched.status).toBe(200);
    const disabled = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?status=disabled", asP);
    expect(disabled.body.data.map((u) => u.id)).toEqual([target]);
    expect(disabled.body.data[0]?.active).toBe(false);
    const active = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?status=active", asP);
    expect(active.body.data.map((u) => u.id)).not.toContain(target);
    expect(active.body.data.length).toBe(ids.length);
  });

  it("returns 400 for a bad cursor, limit or status", async () => {
    const cursor = await call(t, "GET", "/v1/users?cursor=garbage", asP);
    expect(expectError(cursor, 400, "invalid_request").details?.field).toBe("cursor");
    expect(
      expectError(await call(t, "GET", "/v1/users?limit=0", asP), 400, "invalid_request").details?.field,
    ).toBe("limit");
    expect(
      expectError(await call(t, "GET", "/v1/users?status=gone", asP), 400, "invalid_request").details?.field,
    ).toBe("status");
  });

  it("returns 401 without credentials and 403 to a plain member", async () => {
    expectError(await call(t, "GET", "/v1/users", { tenant: tenantA }), 401, "unauthenticated");
    expectError(
      await call(t, "GET", "/v1/users", { token: plainA.token, tenant: tenantA }),
      403,
      "forbidden",
    );
  });

  it("lets a platform admin list any tenant", async () => {
    const page = await call<{ data: UserJson[] }>(t, "GET", "/v1/users?limit=200", {
      token: adminToken,
      tenant: tenantP,
    });
    expect(page.status).toBe(200);
    expect(page.body.data.length).toBe(ids.length + 1);
  });
});

describe("GET /v1/users/{id}", () => {
  it("lets a member read itself but not another member", async () => {
    const self = await call<UserJson>(t, "GET", `/v1/users/${plainA.id}`, {
      token: plainA.token,
      tenant: tenantA,
    });
    expect(self.status).toBe(200);
    expect(self.body.email).toBe(plainA.email);
    const other = await call(t, "GET", `/v1/users/${adminA.id}`, { token: plainA.token, tenant: tenantA });
    expectError(other, 403, "forbidden");
  });

  it("returns 404 not_found for an unknown id and for a user of another tenant", async () => {
    expectError(await call(t, "GET", `/v1/users/${crypto.randomUUID()}`, asOwner), 404, "not_found");
    const stranger = await signUp(t, "Stranger");
    expectError(await call(t, "GET", `/v1/users/${stranger.id}`, asOwner), 404, "not_found");
  });
});

describe("PUT /v1/users/{id}", () => {
  it("replaces name and roles (seed 001 sibling) and answers the user", async () => {
    const target = await addUser(t, asOwner, ["user"], "Replace Me");
    // The tenant's owner replaces the roles; the name is the account's and stays as it is.
    const answer = await call<UserJson>(t, "PUT", `/v1/users/${target.id}`, asOwner, {
      name: "Replace Me",
      roles: ["admin"],
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(USER_KEYS);
    expect(answer.body).toMatchObject({ name: "Replace Me", roles: ["admin"] });
    expect(await memberRole(tenantA, target.id)).toBe("admin");
    // A platform admin replaces both.
    const both = await call<UserJson>(
      t,
      "PUT",
      `/v1/users/${target.id}`,
      { token: adminToken, tenant: tenantA },
      { name: "Replaced", roles: ["user"] },
    );
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ name: "Replaced", roles: ["user"] });
    expect((await userRow(target.id))?.name).toBe("Replaced");
  });

  it("refuses a tenant's owner changing the account's name: 403 with the notice, nothing changed (issue #9)", async () => {
    const target = await addUser(t, asOwner, ["user"], "Named Once");
    const answer = await call(t, "PUT", `/v1/users/${target.id}`, asOwner, {
      name: "Renamed",
      roles: ["admin"],
    });
    expect(expectError(answer, 403, "forbidden").notices?.join(" ")).toContain("Accounts are platform-wide");
    expect((await userRow(target.id))?.name).toBe("Named Once");
    expect(await memberRole(tenantA, target.id)).toBe("user");
  });

  it("returns 400 when roles are missing and 422 for unknown roles", async () => {
    const target = await addUser(t, asOwner, ["user"], "Put Errors");
    const missing = await call(t, "PUT", `/v1/users/${target.id}`, asOwner, { name: "X" });
    expect(expectError(missing, 400, "invalid_request").details?.field).toBe("roles");
    const unknown = await call(t, "PUT", `/v1/users/${target.id}`, asOwner, {
      name: "Put Errors",
      roles: ["ghost"],
    });
    expect(expectError(unknown, 422, "invalid_roles").details?.invalid_roles).toEqual(["ghost"]);
    expect(await memberRole(tenantA, target.id)).toBe("user");
    expect((await userRow(target.id))?.name).toBe("Put Errors");
  });
});

describe("PATCH /v1/users/{id}", () => {
  it("changes the name, roles and avatar", async () => {
    const target = await addUser(t, asOwner, ["user"], "Patch Me");
    // Name and avatar are the account's (a platform admin's or the user's own); roles are the tenant's.
    const asPlatform = { token: adminToken, tenant: tenantA };
    const name = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asPlatform, { name: "Patched" });
    expect(name.body.name).toBe("Patched");
    const roles = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asOwner, {
      roles: ["admin", "user"],
    });
    expect(roles.body.roles).toEqual(["admin", "user"]);
    expect(await memberRole(tenantA, target.id)).toBe("admin,user");
    const avatar = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asPlatform, {
      avatar_base64: PNG,
    });
    expect(avatar.body.avatar_base64).toBe(PNG);
    const cleared = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asPlatform, {
      avatar_base64: null,
    });
    expect(cleared.body.avatar_base64).toBeNull();
    expect((await userRow(target.id))?.image).toBeNull();
    const bad = await call(t, "PATCH", `/v1/users/${target.id}`, asOwner, {
      avatar_base64: "data:image/png;base64,!",
    });
    expect(expectError(bad, 400, "invalid_request").details?.field).toBe("avatar_base64");
  });

  it("refuses a tenant's owner changing a member's name or avatar with 403 and the notice (issue #9)", async () => {
    const target = await addUser(t, asOwner, ["user"], "Own Name");
    for (const change of [{ name: "Not Yours" }, { avatar_base64: PNG }]) {
      const answer = await call(t, "PATCH", `/v1/users/${target.id}`, asOwner, change);
      expect(expectError(answer, 403, "forbidden").notices?.join(" ")).toContain(
        "Accounts are platform-wide",
      );
    }
    const row = await userRow(target.id);
    expect({ name: row?.name, image: row?.image ?? null }).toEqual({ name: "Own Name", image: null });
  });

  it("lets a member change its own name and avatar, but not its roles", async () => {
    const self = await addUser(t, asOwner, ["user"], "Self Service");
    const as = { token: self.token, tenant: tenantA };
    const renamed = await call<UserJson>(t, "PATCH", `/v1/users/${self.id}`, as, {
      name: "Me",
      avatar_base64: PNG,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Me", avatar_base64: PNG });
    expectError(await call(t, "PATCH", `/v1/users/${self.id}`, as, { roles: ["admin"] }), 403, "forbidden");
    expectError(await call(t, "PATCH", `/v1/users/${self.id}`, as, { active: false }), 403, "forbidden");
    expectError(await call(t, "PATCH", `/v1/users/${plainA.id}`, as, { name: "Not You" }), 403, "forbidden");
    expect(await memberRole(tenantA, self.id)).toBe("user");
    expect((await userRow(plainA.id))?.name).toBe("Plain");
  });

  it("lets an admin grant only roles it holds, and never change the owner", async () => {
    const target = await addUser(t, asOwner, ["user"], "Granted");
    const as = { token: adminA.token, tenant: tenantA };
    expect((await call(t, "PATCH", `/v1/users/${target.id}`, as, { roles: ["admin"] })).status).toBe(200);
    const owners = await call(t, "PATCH", `/v1/users/${target.id}`, as, { roles: ["owner"] });
    expect(expectError(owners, 403, "forbidden").notices).toContain(
      "Only the tenant owner can grant the owner role.",
    );
    const demote = await call(t, "PATCH", `/v1/users/${owner.id}`, as, { roles: ["user"] });
    expect(expectError(demote, 403, "forbidden").notices).toContain(
      "Only the tenant owner can change or remove the owner.",
    );
    expect(await memberRole(tenantA, owner.id)).toBe("owner");
    expect(await memberRole(tenantA, target.id)).toBe("admin");
  });

  it("suspends a membership in a tenant and lifts it: the account still signs in, its sessions live (issue #9)", async () => {
    const target = await addUser(t, asOwner, ["user"], "Suspended");
    expect(await sessionCount(target.id)).toBe(1);
    const off = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asOwner, { active: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, status: "disabled" });
    expect(await sessionCount(target.id)).toBe(1);
    expect(await canSignIn(target.email)).toBe(200);
    // A suspended member cannot act in the tenant: it is treated as a non-member there.
    expectError(
      await call(t, "GET", `/v1/users/${target.id}`, { token: target.token, tenant: tenantA }),
      403,
      "tenant_mismatch",
    );
    // The account itself is untouched: active in `default`.
    const inDefault = await call<UserJson>(t, "GET", `/v1/users/${target.id}`, { token: target.token });
    expect(inDefault.body).toMatchObject({ active: true, status: "active" });

    const on = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asOwner, { active: true });
    expect(on.body).toMatchObject({ active: true, status: "active" });
    const back = await call(t, "GET", `/v1/users/${target.id}`, { token: target.token, tenant: tenantA });
    expect(back.status).toBe(200);
  });

  it("bans an account when a platform admin deactivates it in default (no sign-in, sessions end) and lifts it", async () => {
    const target = await addUser(t, asOwner, ["user"], "Banned");
    const asPlatform = { token: adminToken, tenant: defaultId };
    const off = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asPlatform, { active: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, status: "disabled" });
    expect(await sessionCount(target.id)).toBe(0);
    expectError(
      await call(t, "GET", `/v1/users/${target.id}`, { token: target.token, tenant: tenantA }),
      401,
      "unauthenticated",
    );
    expect(await canSignIn(target.email)).toBe(403);
    // Every tenant sees the ban.
    const inA = await call<UserJson>(t, "GET", `/v1/users/${target.id}`, asOwner);
    expect(inA.body).toMatchObject({ active: false, status: "disabled" });

    const on = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asPlatform, { active: true });
    expect(on.body).toMatchObject({ active: true, status: "active" });
    expect(await canSignIn(target.email)).toBe(200);
  });

  it("refuses a tenant admin deactivating a user who also belongs to another tenant", async () => {
    // A public sign-up joins the default tenant; the account then founds a tenant of its own.
    const email = freshEmail("shared");
    const shared = await call<UserJson>(
      t,
      "POST",
      "/v1/users",
      {},
      { email, password: PASSWORD, name: "Shared" },
    );
    await createTenant(t, await t.signIn(email, PASSWORD), "shared-own");
    const defaultAdmin = await addUser(
      t,
      { token: adminToken, tenant: defaultId },
      ["admin"],
      "Default Admin",
    );
    const answer = await call(
      t,
      "PATCH",
      `/v1/users/${shared.body.id}`,
      { token: defaultAdmin.token, tenant: defaultId },
      {
        active: false,
      },
    );
    expectError(answer, 403, "forbidden");
    expect(await canSignIn(email)).toBe(200);
    // A platform admin may.
    const byPlatform = await call<UserJson>(
      t,
      "PATCH",
      `/v1/users/${shared.body.id}`,
      { token: adminToken, tenant: defaultId },
      {
        active: false,
      },
    );
    expect(byPlatform.body.active).toBe(false);
  });

  it("returns 404 for an unknown user and 400 for a wrongly typed field", async () => {
    expectError(
      await call(t, "PATCH", `/v1/users/${crypto.randomUUID()}`, asOwner, { name: "X" }),
      404,
      "not_found",
    );
    const typed = await call(t, "PATCH", `/v1/users/${plainA.id}`, asOwner, { active: "no" });
    expect(expectError(typed, 400, "invalid_request").details?.field).toBe("active");
  });
});

describe("DELETE /v1/users/{id}", () => {
  it("removes the membership only: the account, its sessions and its `default` membership stay (issue #9)", async () => {
    const target = await addUser(t, asOwner, ["user"], "Removed");
    const answer = await t.request(`/v1/users/${target.id}`, {
      method: "DELETE",
      token: owner.token,
      headers: { "x-tenant-id": tenantA },
    });
    expect(answer.status).toBe(204);
    expect(await memberRole(tenantA, target.id)).toBeNull();
    expect((await userRow(target.id))?.email).toBe(target.email);
    expect(await accountRows(target.id)).toHaveLength(1);
    expect(await sessionCount(target.id)).toBe(1);
    expect(await memberRole(defaultId, target.id)).toBe("user");
    expect(await canSignIn(target.email)).toBe(200);
    expectError(await call(t, "GET", `/v1/users/${target.id}`, asOwner), 404, "not_found");
  });

  it("deletes the account, with every membership, when a platform admin removes it from default", async () => {
    // A public sign-up joins the default tenant; the account then founds its own tenant.
    const email = freshEmail("two-tenants");
    const created = await call<UserJson>(
      t,
      "POST",
      "/v1/users",
      {},
      { email, password: PASSWORD, name: "Two" },
    );
    const token = await t.signIn(email, PASSWORD);
    const own = await createTenant(t, token, "own");
    const answer = await call(t, "DELETE", `/v1/users/${created.body.id}`, {
      token: adminToken,
      tenant: defaultId,
    });
    expect(answer.status).toBe(204);
    expect(await memberRole(defaultId, created.body.id)).toBeNull();
    expect(await memberRole(own, created.body.id)).toBeNull();
    expect(await userRow(created.body.id)).toBeUndefined();
    expect(await accountRows(created.body.id)).toEqual([]);
    expect(await sessionCount(created.body.id)).toBe(0);
    expect(await canSignIn(email)).toBe(401);
  });

  it("refuses to remove the last owner with 409 last_owner", async () => {
    const solo = await signUp(t, "Solo Owner");
    const tenant = await createTenant(t, solo.token, "solo");
    const answer = await call(t, "DELETE", `/v1/users/${solo.id}`, { token: solo.token, tenant });
    expect(expectError(answer, 409, "last_owner").message).toBe("A tenant must keep at least one owner");
    const german = await t.request(`/v1/users/${solo.id}`, {
      method: "DELETE",
      token: solo.token,
      headers: { "x-tenant-id": tenant, "accept-language": "de" },
    });
    expect(((await german.json()) as ErrorJson).message).toBe(
      "Ein Mandant muss mindestens einen Eigentümer behalten",
    );
    expect(await memberRole(tenant, solo.id)).toBe("owner");
  });

  it("keeps a platform administrator's account: a tenant can neither ban, delete nor rename it", async () => {
    const staff = await addUser(t, asOwner, ["user"], "Staff");
    const promoted = await t.request("/api/auth/admin/set-role", {
      token: adminToken,
      json: { userId: staff.id, role: "admin" },
    });
    expect(promoted.status).toBe(200);
    const renamed = await call(t, "PATCH", `/v1/users/${staff.id}`, asOwner, { name: "Not Staff" });
    expect(expectError(renamed, 403, "forbidden").notices?.join(" ")).toContain("Accounts are platform-wide");
    // The tenant suspends its own membership only: the account still signs in.
    const suspended = await call<UserJson>(t, "PATCH", `/v1/users/${staff.id}`, asOwner, { active: false });
    expect(suspended.body).toMatchObject({ active: false, status: "disabled" });
    expect(await canSignIn(staff.email)).toBe(200);
    expect((await call(t, "DELETE", `/v1/users/${staff.id}`, asOwner)).status).toBe(204);
    expect(await memberRole(tenantA, staff.id)).toBeNull();
    const row = await userRow(staff.id);
    expect({ role: row?.role, name: row?.name, banned: Boolean(row?.banned) }).toEqual({
      role: "admin",
      name: "Staff",
      banned: false,
    });
    expect(await canSignIn(staff.email)).toBe(200);
  });

  it("refuses to demote the last owner with 409 last_owner, and allows it once there is another", async () => {
    const solo = await signUp(t, "Demoted Owner");
    const tenant = await createTenant(t, solo.token, "demote");
    const as = { token: solo.token, tenant };
    const demote = await call(t, "PATCH", `/v1/users/${solo.id}`, as, { roles: ["admin"] });
    expectError(demote, 409, "last_owner");
    expect(await memberRole(tenant, solo.id)).toBe("owner");
    const heir = await addUser(t, as, ["owner"], "Heir");
    expect(
      (await call(t, "PUT", `/v1/users/${solo.id}`, as, { name: "Former Owner", roles: ["admin"] })).status,
    ).toBe(200);
    expect(await memberRole(tenant, solo.id)).toBe("admin");
    expect(await memberRole(tenant, heir.id)).toBe("owner");
  });

  it("returns 403 to a plain member and 404 for an unknown user", async () => {
    const target = await addUser(t, asOwner, ["user"], "Kept");
    expectError(
      await call(t, "DELETE", `/v1/users/${target.id}`, { token: plainA.token, tenant: tenantA }),
      403,
      "forbidden",
    );
    expect(await memberRole(tenantA, target.id)).toBe("user");
    expectError(await call(t, "DELETE", `/v1/users/${crypto.randomUUID()}`, asOwner), 404, "not_found");
  });
});
