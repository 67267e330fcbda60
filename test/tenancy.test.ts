/**
 * Tenancy (issue #9): accounts are platform-wide, tenants hold memberships. A user in tenants A and B is
 * suspended and then removed by A's admin: they still sign in and stay intact in B and in `default`. A's admin
 * cannot change a platform admin's profile. A platform admin's DELETE in `default` deletes the account.
 * Accounts without a `default` membership get one at the next start.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { sql } from "kysely";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "./helpers/test-app.ts";
import { type Caller, call, defaultTenantId, freshEmail, PASSWORD, type UserJson } from "./helpers/v1.ts";

interface Person {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

let t: TestApp;
let adminToken = "";
let adminId = "";
let defaultId = "";

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  defaultId = await defaultTenantId(t);
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select("id")
    .where("email", "=", ADMIN.email)
    .executeTakeFirstOrThrow();
  adminId = String(row.id);
});
afterAll(() => t?.close());

/** A verified account made by the platform admin through better-auth, signed in. */
async function person(name: string): Promise<Person> {
  const email = freshEmail(name);
  const created = await t.request("/api/auth/admin/create-user", {
    token: adminToken,
    json: { email, password: PASSWORD, name, role: "user", data: { emailVerified: true } },
  });
  const body = (await created.json()) as { user?: { id: string } };
  if (!created.ok || !body.user) throw new Error(`create-user: ${JSON.stringify(body)}`);
  return { id: body.user.id, email, token: await t.signIn(email, PASSWORD) };
}

let slugs = 0;
async function tenant(owner: Person, prefix: string): Promise<string> {
  slugs += 1;
  const slug = `${prefix}-${slugs}-${Date.now().toString(36)}`;
  const response = await t.request("/api/auth/organization/create", {
    token: owner.token,
    json: { name: slug, slug },
  });
  const body = (await response.json()) as { id?: string };
  if (!response.ok || !body.id) throw new Error(`organization/create: ${JSON.stringify(body)}`);
  return body.id;
}

/** Joins through better-auth's public invitation flow. */
async function join(
  tenantId: string,
  inviter: Person,
  user: Person | { token: string; email: string },
  role: string,
) {
  const invited = await t.request("/api/auth/organization/invite-member", {
    token: inviter.token,
    json: { email: user.email, role, organizationId: tenantId },
  });
  const invitation = (await invited.json()) as { id?: string };
  if (!invited.ok || !invitation.id) throw new Error(`invite: ${JSON.stringify(invitation)}`);
  const accepted = await t.request("/api/auth/organization/accept-invitation", {
    token: user.token,
    json: { invitationId: invitation.id },
  });
  if (!accepted.ok) throw new Error(`accept: ${await accepted.text()}`);
}

async function membership(tenantId: string, userId: string) {
  const row = await t.deps.db.kysely
    .selectFrom("member")
    .select(["role", "status"])
    .where("organizationId", "=", tenantId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return row ? { role: String(row.role), status: String(row.status) } : null;
}

async function userRow(userId: string) {
  return t.deps.db.kysely.selectFrom("user").selectAll().where("id", "=", userId).executeTakeFirst();
}

async function signInStatus(email: string): Promise<number> {
  return (await t.request("/api/auth/sign-in/email", { json: { email, password: PASSWORD } })).status;
}

async function listed(caller: Caller, status: "active" | "disabled"): Promise<string[]> {
  const page = await call<{ data: UserJson[] }>(t, "GET", `/v1/users?limit=200&status=${status}`, caller);
  expect(page.status).toBe(200);
  return page.body.data.map((user) => user.id);
}

describe("a user in tenants A and B", () => {
  let ownerA: Person;
  let adminA: Person;
  let ownerB: Person;
  let user: Person;
  let tenantA = "";
  let tenantB = "";
  let asAdminA: Caller;

  beforeAll(async () => {
    ownerA = await person("owner-a");
    adminA = await person("admin-a");
    ownerB = await person("owner-b");
    user = await person("shared-user");
    tenantA = await tenant(ownerA, "tenant-a");
    tenantB = await tenant(ownerB, "tenant-b");
    await join(tenantA, ownerA, adminA, "admin");
    await join(tenantA, ownerA, user, "user");
    await join(tenantB, ownerB, user, "user");
    asAdminA = { token: adminA.token, tenant: tenantA };
  });

  it("is a member of A, B and default, with the role user in default", async () => {
    expect(await membership(defaultId, user.id)).toEqual({ role: "user", status: "active" });
    expect(await membership(tenantA, user.id)).toEqual({ role: "user", status: "active" });
    expect(await membership(tenantB, user.id)).toEqual({ role: "user", status: "active" });
  });

  it("suspended by A's admin: disabled in A only; still signs in; intact in B and in default", async () => {
    const suspended = await call<UserJson>(t, "PATCH", `/v1/users/${user.id}`, asAdminA, { active: false });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ active: false, status: "disabled" });
    expect(await membership(tenantA, user.id)).toEqual({ role: "user", status: "suspended" });
    // The account is not banned and its sessions live.
    expect(Boolean((await userRow(user.id))?.banned)).toBe(false);
    expect(await signInStatus(user.email)).toBe(200);
    // A lists it as disabled; B and default as active.
    expect(await listed(asAdminA, "disabled")).toContain(user.id);
    expect(await listed(asAdminA, "active")).not.toContain(user.id);
    expect(await listed({ token: ownerB.token, tenant: tenantB }, "active")).toContain(user.id);
    expect(await listed({ token: adminToken, tenant: defaultId }, "active")).toContain(user.id);
    // It cannot act in A (a suspended member is no member there), but acts in B and in default.
    const inA = await call(t, "GET", `/v1/users/${user.id}`, { token: user.token, tenant: tenantA });
    expect(inA.status).toBe(403);
    expect(inA.body.code).toBe("tenant_mismatch");
    const inB = await call<UserJson>(t, "GET", `/v1/users/${user.id}`, {
      token: user.token,
      tenant: tenantB,
    });
    expect(inB.status).toBe(200);
    expect(inB.body).toMatchObject({ active: true, status: "active", roles: ["user"] });
    const inDefault = await call<UserJson>(t, "GET", `/v1/users/${user.id}`, { token: user.token });
    expect(inDefault.body).toMatchObject({ active: true, status: "active" });
  });

  it("removed by A's admin: gone from A only; still signs in; intact in B and in default", async () => {
    const removed = await call(t, "DELETE", `/v1/users/${user.id}`, asAdminA);
    expect(removed.status).toBe(204);
    expect(await membership(tenantA, user.id)).toBeNull();
    expect(await membership(tenantB, user.id)).toEqual({ role: "user", status: "active" });
    expect(await membership(defaultId, user.id)).toEqual({ role: "user", status: "active" });
    const row = await userRow(user.id);
    expect({ email: row?.email, name: row?.name, banned: Boolean(row?.banned) }).toEqual({
      email: user.email,
      name: "shared-user",
      banned: false,
    });
    expect(await signInStatus(user.email)).toBe(200);
    const inB = await call(t, "GET", `/v1/users/${user.id}`, { token: user.token, tenant: tenantB });
    expect(inB.status).toBe(200);
    expect((await call(t, "GET", `/v1/users/${user.id}`, asAdminA)).status).toBe(404);
  });

  it("A's admin cannot ban, delete or rename through default, nor change the profile of a member", async () => {
    const other = await person("other-member");
    await join(tenantA, ownerA, other, "user");
    const renamed = await call(t, "PATCH", `/v1/users/${other.id}`, asAdminA, { name: "Renamed by A" });
    expect(renamed.status).toBe(403);
    expect(renamed.body.code).toBe("forbidden");
    expect(renamed.body.notices?.join(" ")).toContain("Accounts are platform-wide");
    // In default, A's admin is a plain member: neither a ban nor a deletion.
    const asAdminAInDefault = { token: adminA.token, tenant: defaultId };
    expect(
      (await call(t, "PATCH", `/v1/users/${other.id}`, asAdminAInDefault, { active: false })).status,
    ).toBe(403);
    expect((await call(t, "DELETE", `/v1/users/${other.id}`, asAdminAInDefault)).status).toBe(403);
    const row = await userRow(other.id);
    expect({ name: row?.name, banned: Boolean(row?.banned) }).toEqual({
      name: "other-member",
      banned: false,
    });
  });

  it("A's admin cannot change a platform admin's profile: 403 forbidden with the notice, nothing changed", async () => {
    await join(tenantA, ownerA, { token: adminToken, email: ADMIN.email }, "user");
    const before = await userRow(adminId);
    for (const change of [
      { name: "Not the admin" },
      { avatar_base64: "data:image/png;base64,iVBORw0KGgo=" },
    ]) {
      const answer = await call(t, "PATCH", `/v1/users/${adminId}`, asAdminA, change);
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe("forbidden");
      expect(answer.body.notices?.join(" ")).toContain("Accounts are platform-wide");
    }
    const after = await userRow(adminId);
    expect({ name: after?.name, image: after?.image ?? null }).toEqual({
      name: before?.name,
      image: before?.image ?? null,
    });
  });

  it("keeps A with an owner and nobody suspends themselves", async () => {
    const self = await call(
      t,
      "PATCH",
      `/v1/users/${ownerA.id}`,
      { token: ownerA.token, tenant: tenantA },
      {
        active: false,
      },
    );
    expect(self.status).toBe(422);
    expect(self.body.code).toBe("cannot_disable_self");
    const lastOwner = await call(
      t,
      "PATCH",
      `/v1/users/${ownerA.id}`,
      { token: adminToken, tenant: tenantA },
      {
        active: false,
      },
    );
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.code).toBe("last_owner");
    expect(await membership(tenantA, ownerA.id)).toEqual({ role: "owner", status: "active" });
  });

  it("the account itself changes its own name from any tenant", async () => {
    const renamed = await call<UserJson>(
      t,
      "PATCH",
      `/v1/users/${user.id}`,
      { token: user.token, tenant: tenantB },
      {
        name: "My Own Name",
      },
    );
    expect(renamed.status).toBe(200);
    expect((await userRow(user.id))?.name).toBe("My Own Name");
  });

  it("a platform admin's DELETE in default deletes the account and every membership", async () => {
    const deleted = await call(t, "DELETE", `/v1/users/${user.id}`, { token: adminToken, tenant: defaultId });
    expect(deleted.status).toBe(204);
    expect(await userRow(user.id)).toBeUndefined();
    expect(await membership(tenantB, user.id)).toBeNull();
    expect(await membership(defaultId, user.id)).toBeNull();
    expect(await signInStatus(user.email)).toBe(401);
    const inB = await call(t, "GET", `/v1/users/${user.id}`, { token: ownerB.token, tenant: tenantB });
    expect(inB.status).toBe(404);
  });

  it("a platform admin cannot delete itself in default", async () => {
    const answer = await call(t, "DELETE", `/v1/users/${adminId}`, { token: adminToken, tenant: defaultId });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("cannot_delete_self");
    expect(await userRow(adminId)).toBeDefined();
  });
});

describe("accounts from before every account joined default", () => {
  it("join default with the role user at the next start", async () => {
    const dataDir = mkdtempSync(joinPath(tmpdir(), "gatehouse-tenancy-"));
    const url = process.env.TEST_DATABASE_URL;
    const schema = url ? `t_${randomBytes(6).toString("hex")}` : undefined;
    const reuse = { dataDir, ...(schema ? { schema } : {}) };
    try {
      const first = await createTestApp({ reuse });
      const email = freshEmail("legacy");
      const signedUp = await first.request("/api/auth/sign-up/email", {
        json: { email, password: PASSWORD, name: "Legacy" },
      });
      const { user } = (await signedUp.json()) as { user: { id: string } };
      // As an account made before this release: no membership anywhere, in a database an older build migrated
      // (the backfill runs when the schema changes: test/upgrade-backfill.test.ts).
      await first.deps.db.kysely.deleteFrom("member").where("userId", "=", user.id).execute();
      await sql`delete from gatehouse_schema_state`.execute(first.deps.db.kysely);
      await first.close();
      const second = await createTestApp({ reuse });
      try {
        const tenantId = await defaultTenantId(second);
        const row = await second.deps.db.kysely
          .selectFrom("member")
          .select(["role", "status"])
          .where("organizationId", "=", tenantId)
          .where("userId", "=", user.id)
          .executeTakeFirst();
        expect(row).toEqual({ role: "user", status: "active" });
        const token = await second.signIn(ADMIN.email, ADMIN.password);
        const got = await call<UserJson>(second, "GET", `/v1/users/${user.id}`, { token });
        expect(got.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      if (url && schema) await dropSchema(url, schema);
    }
  });
});
