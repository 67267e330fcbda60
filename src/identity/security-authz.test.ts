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
let ownerId = "";
let asOwner: Caller;
let asAdmin: Caller;

beforeAll(async () => {
  t = await createTestApp();
  const owner = await signUp(t, "Authz Owner");
  ownerId = owner.id;
  tenant = await createTenant(t, owner.token, "authz");
  asOwner = { token: owner.token, tenant };
  const admin = await addUser(t, asOwner, ["admin"], "Rule Admin");
  asAdmin = { token: admin.token, tenant };
});

afterAll(async () => {
  await t?.close();
});

// The rule of the report: a tenant admin forbids the owner everything, including deleting the rule.
const LOCK_OUT_OWNER =
  'forbid (principal, action, resource) when { principal has roles && principal.roles.contains("owner") };';

interface RuleJson {
  readonly id: string;
  readonly policy: string;
  readonly enabled: boolean;
}

async function ruleRows(): Promise<{ id: string; policy: string; enabled: unknown }[]> {
  return (await t.deps.db.kysely
    .selectFrom("tenant_policy")
    .select(["id", "policy", "enabled"])
    .where("organizationId", "=", tenant)
    .execute()) as { id: string; policy: string; enabled: unknown }[];
}

function expectLockOutRefused(answer: { status: number; body: unknown }): void {
  expect(answer.status).toBe(422);
  const error = answer.body as ErrorJson;
  expect(error.code).toBe("policy_locks_out_owner");
  expect(error.message).toContain("owner");
}

/**
 * A rule in force that locks the owner out, as one stored before the check existed: added disabled through
 * the API (allowed), then switched on in the database, with the version bumped as the policies module does.
 */
async function lockOutRuleInForce(): Promise<string> {
  const added = await call<RuleJson>(t, "POST", "/v1/policies", asAdmin, {
    policy: LOCK_OUT_OWNER,
    enabled: false,
  });
  expect(added.status).toBe(201);
  const db = t.deps.db;
  await db.kysely
    .updateTable("tenant_policy")
    .set({ enabled: db.dialect === "postgres" ? true : 1 })
    .where("id", "=", added.body.id)
    .execute();
  await db.kysely
    .updateTable("tenant_policy_version")
    .set((eb) => ({ version: eb("version", "+", 1) }))
    .where("organizationId", "=", tenant)
    .execute();
  return added.body.id;
}

describe("tenant rules cannot lock out the owner", () => {
  it("a tenant admin's rule forbidding the owner everything is refused with 422, and nothing is stored", async () => {
    const before = await ruleRows();
    const answer = await call(t, "POST", "/v1/policies", asAdmin, { policy: LOCK_OUT_OWNER });
    expectLockOutRefused(answer);
    expect((answer.body as ErrorJson).details?.actions).toEqual([
      "policies.list",
      "policies.update",
      "policies.delete",
    ]);
    expect(await ruleRows()).toEqual(before);
    expect((await call(t, "GET", "/v1/policies", asOwner)).status).toBe(200);
  });

  it("rules that reach the owner by id, through the admin role, by erroring, or forbid everyone are refused (422)", async () => {
    const before = await ruleRows();
    const rules = [
      `forbid (principal == Gatehouse::User::"${ownerId}", action == Gatehouse::Action::"policies.delete", resource);`,
      'forbid (principal, action in Gatehouse::Action::"policies", resource) when { principal.roles.contains("admin") };',
      'forbid (principal, action == Gatehouse::Action::"policies.list", resource) when { 9223372036854775807 + 1 > 0 };',
      "forbid (principal, action, resource);",
    ];
    for (const policy of rules) {
      expectLockOutRefused(await call(t, "POST", "/v1/policies", asAdmin, { policy }));
      expectLockOutRefused(await call(t, "POST", "/v1/policies", asOwner, { policy }));
    }
    expect(await ruleRows()).toEqual(before);
  });

  it("a disabled lock-out rule cannot be switched on, nor a rule's text changed into one (422)", async () => {
    const parked = await call<RuleJson>(t, "POST", "/v1/policies", asAdmin, {
      policy: LOCK_OUT_OWNER,
      enabled: false,
    });
    expect(parked.status).toBe(201);
    expectLockOutRefused(await call(t, "PUT", `/v1/policies/${parked.body.id}`, asAdmin, { enabled: true }));
    const harmless = await call<RuleJson>(t, "POST", "/v1/policies", asAdmin, {
      policy: 'forbid (principal, action == Gatehouse::Action::"roles.create", resource);',
    });
    expect(harmless.status).toBe(201);
    expectLockOutRefused(
      await call(t, "PUT", `/v1/policies/${harmless.body.id}`, asAdmin, { policy: LOCK_OUT_OWNER }),
    );
    const stored = await ruleRows();
    expect(stored.find((row) => row.id === parked.body.id)?.enabled).toBeFalsy();
    expect(stored.find((row) => row.id === harmless.body.id)?.policy).toBe(harmless.body.policy);
    for (const id of [parked.body.id, harmless.body.id]) {
      expect((await call(t, "DELETE", `/v1/policies/${id}`, asOwner)).status).toBe(204);
    }
  });

  it("a lock-out rule already in force cannot stop the owner reading, disabling and deleting it", async () => {
    const id = await lockOutRuleInForce();
    // The rule binds the owner everywhere else: it is in force.
    expect((await call(t, "POST", "/v1/users", asOwner, newUser())).status).toBe(403);
    const listed = await call<{ data: RuleJson[] }>(t, "GET", "/v1/policies", asOwner);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((rule) => rule.id)).toContain(id);
    expect((await call(t, "GET", `/v1/policies/${id}`, asOwner)).status).toBe(200);
    const disabled = await call<RuleJson>(t, "PUT", `/v1/policies/${id}`, asOwner, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    expect((await call(t, "POST", "/v1/users", asOwner, newUser())).status).toBe(201);
    expect((await call(t, "DELETE", `/v1/policies/${id}`, asOwner)).status).toBe(204);
    expect((await ruleRows()).some((row) => row.id === id)).toBe(false);
  });
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

  it("a key does what a tenant rule forbids the admin who created it (403 now)", async () => {
    const admin = await adminWithKey();
    const rule = await call<RuleJson>(t, "POST", "/v1/policies", asOwner, {
      policy: `forbid (principal == Gatehouse::User::"${admin.id}", action == Gatehouse::Action::"users.list", resource);`,
      notice: "This admin may not list users.",
    });
    expect(rule.status).toBe(201);
    try {
      expect((await call(t, "GET", "/v1/users", admin.caller)).status).toBe(403);
      const answer = await call(t, "GET", "/v1/users", { apiKey: admin.key });
      expect(answer.status).toBe(403);
      expect((answer.body as ErrorJson).notices).toEqual(["This admin may not list users."]);
    } finally {
      expect((await call(t, "DELETE", `/v1/policies/${rule.body.id}`, asOwner)).status).toBe(204);
    }
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
