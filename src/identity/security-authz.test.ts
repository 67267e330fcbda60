/**
 * Security suite, authorization (issue #10 items 7 and 8), one test per attack: a tenant rule that would lock
 * the owner out of the tenant's rules, and API keys that outlive the rights of the member who made them.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../test/helpers/test-app.ts";
import {
  addUser,
  type Caller,
  call,
  createApiKey,
  createTenant,
  type ErrorJson,
  freshEmail,
  PASSWORD,
  signUp,
} from "../../test/helpers/v1.ts";

let t: TestApp;
let tenant = "";
let asOwner: Caller;

beforeAll(async () => {
  t = await createTestApp();
  const owner = await signUp(t, "Authz Owner");
  tenant = await createTenant(t, owner.token, "authz");
  asOwner = { token: owner.token, tenant };
});

afterAll(async () => {
  await t?.close();
});

async function keyRows(): Promise<number> {
  const rows = await t.deps.db.kysely
    .selectFrom("api_key")
    .select("id")
    .where("organizationId", "=", tenant)
    .execute();
  return rows.length;
}

/** A tenant admin with an admin key of their own, which works before anything happens to the admin. */
async function adminWithKey(): Promise<{ id: string; caller: Caller; key: string }> {
  const admin = await addUser(t, asOwner, ["admin"], "Key Admin");
  const caller = { token: admin.token, tenant };
  const { key } = await createApiKey(t, caller, ["admin"]);
  expect((await call(t, "GET", "/v1/users", { apiKey: key })).status).toBe(200);
  return { id: admin.id, caller, key };
}

function newUser() {
  return { email: freshEmail("authz"), name: "Made By Key", password: PASSWORD, roles: ["user"] };
}

describe("API keys act with at most their creator's current rights", () => {
  it("a demoted admin's key can no longer list users, create users or mint admin keys", async () => {
    const admin = await adminWithKey();
    const demoted = await call(t, "PATCH", `/v1/users/${admin.id}`, asOwner, { roles: ["user"] });
    expect(demoted.status).toBe(200);
    const before = await keyRows();
    const asKey = { apiKey: admin.key };
    expect([401, 403]).toContain((await call(t, "GET", "/v1/users", asKey)).status);
    expect([401, 403]).toContain((await call(t, "POST", "/v1/users", asKey, newUser())).status);
    const minted = await call(t, "POST", "/v1/api-keys", asKey, { name: "escalate", roles: ["admin"] });
    expect([401, 403]).toContain(minted.status);
    expect(await keyRows()).toBe(before);
  });

  it("a removed admin's key stops authenticating (401)", async () => {
    const admin = await adminWithKey();
    expect((await call(t, "DELETE", `/v1/users/${admin.id}`, asOwner)).status).toBe(204);
    const answer = await call(t, "GET", "/v1/users", { apiKey: admin.key });
    expect(answer.status).toBe(401);
    expect((answer.body as ErrorJson).code).toBe("unauthenticated");
  });

  it("a suspended admin's key stops authenticating, and works again once the admin is reactivated", async () => {
    const admin = await adminWithKey();
    expect((await call(t, "PATCH", `/v1/users/${admin.id}`, asOwner, { active: false })).status).toBe(200);
    expect((await call(t, "GET", "/v1/users", { apiKey: admin.key })).status).toBe(401);
    expect((await call(t, "PATCH", `/v1/users/${admin.id}`, asOwner, { active: true })).status).toBe(200);
    expect((await call(t, "GET", "/v1/users", { apiKey: admin.key })).status).toBe(200);
  });

  it("a key minted by a key falls with the admin behind the first key", async () => {
    const admin = await adminWithKey();
    const child = await createApiKey(t, { apiKey: admin.key }, ["admin"]);
    expect((await call(t, "GET", "/v1/users", { apiKey: child.key })).status).toBe(200);
    expect((await call(t, "PATCH", `/v1/users/${admin.id}`, asOwner, { roles: ["user"] })).status).toBe(200);
    expect([401, 403]).toContain((await call(t, "GET", "/v1/users", { apiKey: child.key })).status);
    const minted = await call(
      t,
      "POST",
      "/v1/api-keys",
      { apiKey: child.key },
      { name: "x", roles: ["admin"] },
    );
    expect([401, 403]).toContain(minted.status);
  });

  it("a banned admin's key stops authenticating (401)", async () => {
    const admin = await adminWithKey();
    const platformAdmin = await t.signIn(ADMIN.email, ADMIN.password);
    const banned = await t.request("/api/auth/admin/ban-user", {
      token: platformAdmin,
      json: { userId: admin.id },
    });
    expect(banned.status).toBe(200);
    expect((await call(t, "GET", "/v1/users", { apiKey: admin.key })).status).toBe(401);
  });
});

describe("API keys expire", () => {
  it("a key created without an expiry expires after 90 days, not never", async () => {
    const created = await call<{ id: string; expires_at: string | null }>(
      t,
      "POST",
      "/v1/api-keys",
      asOwner,
      {
        name: "forever?",
        roles: ["user"],
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.expires_at).not.toBeNull();
    const days = (Date.parse(created.body.expires_at ?? "") - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    const row = await t.deps.db.kysely
      .selectFrom("api_key")
      .select("expiresAt")
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.expiresAt).not.toBeNull();
  });

  it("a key cannot be made to live for decades (400 on expires_at)", async () => {
    const before = await keyRows();
    const answer = await call(t, "POST", "/v1/api-keys", asOwner, {
      name: "decades",
      roles: ["user"],
      expires_at: "2999-01-01T00:00:00.000Z",
    });
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorJson).details?.field).toBe("expires_at");
    expect(await keyRows()).toBe(before);
  });
});
