/**
 * A tenant's own Cedar rules (/v1/policies) and role catalogue (/v1/roles): rules decide with their notices,
 * invalid rules are refused with Cedar's messages, erroring rules never allow, disabling a rule lifts it, and one
 * tenant's rules never touch another; roles are created, assigned, protected while in use, and granted only by
 * those who hold them.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import {
  addUser,
  type Caller,
  call,
  createTenant,
  type ErrorJson,
  freshEmail,
  PASSWORD,
  signUp,
  type UserJson,
} from "../../../../test/helpers/v1.ts";

interface RuleJson {
  readonly id: string;
  readonly policy: string;
  readonly notice: string | null;
  readonly description: string | null;
  readonly enabled: boolean;
  readonly priority: number;
  readonly created_at: string;
  readonly updated_at: string;
}

interface RoleJson {
  readonly name: string;
  readonly description: string | null;
  readonly built_in: boolean;
}

const RULE_KEYS = [
  "created_at",
  "description",
  "enabled",
  "id",
  "notice",
  "policy",
  "priority",
  "updated_at",
];
const FREEZE = 'forbid (principal, action == Gatehouse::Action::"users.create", resource);';
const FREEZE_NOTICE = "User creation is frozen during the audit.";

let t: TestApp;
let adminToken = "";
let tenantA = "";
let tenantB = "";
let asOwnerA: Caller;
let asOwnerB: Caller;
let adminA: { id: string; token: string };
let plainA: { id: string; token: string };

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  const ownerA = await signUp(t, "Policy Owner A");
  tenantA = await createTenant(t, ownerA.token, "pol-a");
  asOwnerA = { token: ownerA.token, tenant: tenantA };
  const ownerB = await signUp(t, "Policy Owner B");
  tenantB = await createTenant(t, ownerB.token, "pol-b");
  asOwnerB = { token: ownerB.token, tenant: tenantB };
  adminA = await addUser(t, asOwnerA, ["admin"], "Admin A");
  plainA = await addUser(t, asOwnerA, ["user"], "Plain A");
});

afterAll(async () => {
  await t?.close();
});

function newUser(roles: readonly string[] = ["user"]) {
  return { email: freshEmail("pol"), name: "Policy Subject", password: PASSWORD, roles };
}

async function userExists(email: string): Promise<boolean> {
  const rows = await t.deps.db.kysely.selectFrom("user").select("id").where("email", "=", email).execute();
  return rows.length > 0;
}

async function createRule(by: Caller, body: Record<string, unknown>): Promise<RuleJson> {
  const answer = await call<RuleJson>(t, "POST", "/v1/policies", by, body);
  if (answer.status !== 201) throw new Error(`POST /v1/policies: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

describe("custom rules decide", () => {
  it("a forbid with a notice denies, and its notice is in `notices`", async () => {
    const rule = await createRule(asOwnerA, { policy: FREEZE, notice: FREEZE_NOTICE });
    try {
      const body = newUser();
      const answer = await call(t, "POST", "/v1/users", asOwnerA, body);
      expect(answer.status).toBe(403);
      const error = answer.body as ErrorJson;
      expect(error.code).toBe("forbidden");
      expect(error.notices).toEqual([FREEZE_NOTICE]);
      expect(await userExists(body.email)).toBe(false);
      // Tenant rules never bind platform administrators.
      const byPlatform = await call(
        t,
        "POST",
        "/v1/users",
        { token: adminToken, tenant: tenantA },
        newUser(),
      );
      expect(byPlatform.status).toBe(201);
    } finally {
      await call(t, "DELETE", `/v1/policies/${rule.id}`, asOwnerA);
    }
  });

  it("disabling a rule lifts it; enabling it again restores it; deleting it lifts it for good", async () => {
    const rule = await createRule(asOwnerA, { policy: FREEZE, notice: FREEZE_NOTICE });
    expect((await call(t, "POST", "/v1/users", asOwnerA, newUser())).status).toBe(403);
    const off = await call<RuleJson>(t, "PUT", `/v1/policies/${rule.id}`, asOwnerA, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    expect((await call(t, "POST", "/v1/users", asOwnerA, newUser())).status).toBe(201);
    expect((await call(t, "PUT", `/v1/policies/${rule.id}`, asOwnerA, { enabled: true })).status).toBe(200);
    expect((await call(t, "POST", "/v1/users", asOwnerA, newUser())).status).toBe(403);
    expect((await call(t, "DELETE", `/v1/policies/${rule.id}`, asOwnerA)).status).toBe(204);
    expect((await call(t, "POST", "/v1/users", asOwnerA, newUser())).status).toBe(201);
  });

  it("rules of tenant A do not affect tenant B", async () => {
    const rule = await createRule(asOwnerA, { policy: FREEZE, notice: FREEZE_NOTICE });
    try {
      expect((await call(t, "POST", "/v1/users", asOwnerA, newUser())).status).toBe(403);
      expect((await call(t, "POST", "/v1/users", asOwnerB, newUser())).status).toBe(201);
      const listB = await call<{ data: RuleJson[] }>(t, "GET", "/v1/policies", asOwnerB);
      expect(listB.body.data).toEqual([]);
    } finally {
      await call(t, "DELETE", `/v1/policies/${rule.id}`, asOwnerA);
    }
  });

  it("a permit widens what a custom role may do", async () => {
    const role = await call(t, "POST", "/v1/roles", asOwnerA, { name: "auditor" });
    expect(role.status).toBe(201);
    const auditor = await addUser(t, asOwnerA, ["auditor"], "Auditor");
    const as = { token: auditor.token, tenant: tenantA };
    expect((await call(t, "GET", "/v1/users", as)).status).toBe(403);
    const rule = await createRule(asOwnerA, {
      policy:
        'permit (principal, action == Gatehouse::Action::"users.list", resource) when { principal.roles.contains("auditor") };',
      notice: "Auditors may list users.",
    });
    expect((await call(t, "GET", "/v1/users", as)).status).toBe(200);
    // Nothing more: the permit names one action.
    expect((await call(t, "POST", "/v1/users", as, newUser())).status).toBe(403);
    // The isolation forbid still wins over the tenant's permit for other tenants' data.
    expect((await call(t, "GET", "/v1/users", { token: auditor.token, tenant: tenantB })).status).toBe(403);
    await call(t, "DELETE", `/v1/policies/${rule.id}`, asOwnerA);
    expect((await call(t, "GET", "/v1/users", as)).status).toBe(403);
  });

  it("a rule that errors at evaluation never allows: an erroring permit grants nothing, an erroring forbid still denies", async () => {
    // Validates (the types are right) but overflows when evaluated.
    const overflow = "9223372036854775807 + 1 > 0";
    const permit = await createRule(asOwnerA, {
      policy: `permit (principal, action == Gatehouse::Action::"users.list", resource) when { ${overflow} };`,
    });
    expect((await call(t, "GET", "/v1/users", { token: plainA.token, tenant: tenantA })).status).toBe(403);
    await call(t, "DELETE", `/v1/policies/${permit.id}`, asOwnerA);

    const forbid = await createRule(asOwnerA, {
      policy: `forbid (principal, action == Gatehouse::Action::"users.list", resource) when { ${overflow} };`,
      notice: "never shown",
    });
    const denied = await call(t, "GET", "/v1/users", asOwnerA);
    expect(denied.status).toBe(403);
    // Denied by the error, not by the forbid (whose notice would show): errors are logged, never returned.
    expect((denied.body as ErrorJson).notices).toEqual([]);
    expect(JSON.stringify(denied.body)).not.toContain("overflow");
    await call(t, "DELETE", `/v1/policies/${forbid.id}`, asOwnerA);
    expect((await call(t, "GET", "/v1/users", asOwnerA)).status).toBe(200);
  });
});

describe("invalid rules are refused with 422 and Cedar's messages", () => {
  const invalid: [string, string][] = [
    ["a syntax error", "permit (principal, action, resource) when { ;"],
    ["an unknown action", 'forbid (principal, action == Gatehouse::Action::"users.explode", resource);'],
    ["an unknown attribute", "forbid (principal, action, resource) when { principal.shoeSize > 40 };"],
    ["a type error", 'forbid (principal, action, resource) when { principal.roles == "admin" };'],
    [
      "two policies in one rule",
      'forbid (principal, action == Gatehouse::Action::"users.list", resource);\npermit (principal, action, resource);',
    ],
  ];
  for (const [what, policy] of invalid) {
    it(`refuses ${what}`, async () => {
      const before = await call<{ data: RuleJson[] }>(t, "GET", "/v1/policies", asOwnerA);
      const answer = await call(t, "POST", "/v1/policies", asOwnerA, { policy });
      expect(answer.status).toBe(422);
      const error = answer.body as ErrorJson;
      expect(error.code).toBe("invalid_policy");
      const messages = error.details?.errors as string[];
      expect(Array.isArray(messages)).toBe(true);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message.length).toBeGreaterThan(0);
      const after = await call<{ data: RuleJson[] }>(t, "GET", "/v1/policies", asOwnerA);
      expect(after.body.data).toEqual(before.body.data);
    });
  }

  it("refuses an invalid change to a stored rule and keeps the rule as it was", async () => {
    const rule = await createRule(asOwnerA, { policy: FREEZE, enabled: false });
    const answer = await call(t, "PUT", `/v1/policies/${rule.id}`, asOwnerA, { policy: "forbid (" });
    expect(answer.status).toBe(422);
    const kept = await call<RuleJson>(t, "GET", `/v1/policies/${rule.id}`, asOwnerA);
    expect(kept.body.policy).toBe(FREEZE);
    await call(t, "DELETE", `/v1/policies/${rule.id}`, asOwnerA);
  });

  it("names Cedar's complaint about an unknown action", async () => {
    const answer = await call(t, "POST", "/v1/policies", asOwnerA, {
      policy: 'forbid (principal, action == Gatehouse::Action::"users.explode", resource);',
    });
    expect(JSON.stringify((answer.body as ErrorJson).details)).toContain("users.explode");
  });
});

describe("/v1/policies CRUD", () => {
  it("accepts a rule that shuts admins out of the rules but leaves the owner in control", async () => {
    const policy =
      'forbid (principal, action in Gatehouse::Action::"policies", resource) unless { principal.roles.contains("owner") };';
    const rule = await createRule(asOwnerA, { policy });
    try {
      expect((await call(t, "GET", "/v1/policies", { token: adminA.token, tenant: tenantA })).status).toBe(
        403,
      );
      expect((await call(t, "GET", "/v1/policies", asOwnerA)).status).toBe(200);
    } finally {
      expect((await call(t, "DELETE", `/v1/policies/${rule.id}`, asOwnerA)).status).toBe(204);
    }
  });

  it("creates, lists, reads, changes and deletes a rule", async () => {
    const created = await call<RuleJson>(t, "POST", "/v1/policies", asOwnerA, {
      policy: FREEZE,
      notice: "first notice",
      description: "freeze",
      enabled: false,
      priority: 5,
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(RULE_KEYS);
    expect(created.body).toMatchObject({
      policy: FREEZE,
      notice: "first notice",
      description: "freeze",
      enabled: false,
      priority: 5,
    });
    const id = created.body.id;
    const list = await call<{ data: RuleJson[] }>(t, "GET", "/v1/policies", asOwnerA);
    expect(list.body.data.map((r) => r.id)).toContain(id);
    const one = await call<RuleJson>(t, "GET", `/v1/policies/${id}`, asOwnerA);
    expect(one.body).toEqual(created.body);
    const changed = await call<RuleJson>(t, "PUT", `/v1/policies/${id}`, asOwnerA, {
      notice: null,
      priority: -1,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ policy: FREEZE, notice: null, priority: -1, enabled: false });
    expect((await call(t, "DELETE", `/v1/policies/${id}`, asOwnerA)).status).toBe(204);
    const gone = await call(t, "GET", `/v1/policies/${id}`, asOwnerA);
    expect(gone.status).toBe(404);
    expect((gone.body as ErrorJson).code).toBe("not_found");
    expect((await call(t, "DELETE", `/v1/policies/${id}`, asOwnerA)).status).toBe(404);
    expect((await call(t, "PUT", `/v1/policies/${id}`, asOwnerA, { enabled: true })).status).toBe(404);
  });

  it("lets tenant admins manage rules, but not plain members or anonymous callers", async () => {
    const byAdmin = await createRule(
      { token: adminA.token, tenant: tenantA },
      { policy: FREEZE, enabled: false },
    );
    await call(t, "DELETE", `/v1/policies/${byAdmin.id}`, asOwnerA);
    const asPlain = { token: plainA.token, tenant: tenantA };
    expect((await call(t, "GET", "/v1/policies", asPlain)).status).toBe(403);
    expect((await call(t, "POST", "/v1/policies", asPlain, { policy: FREEZE })).status).toBe(403);
    expect((await call(t, "GET", "/v1/policies", { tenant: tenantA })).status).toBe(401);
  });

  it("returns 400 for a malformed body", async () => {
    const answer = await call(t, "POST", "/v1/policies", asOwnerA, { policy: "", priority: "high" });
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorJson).code).toBe("invalid_request");
  });
});

describe("/v1/roles", () => {
  it("lists the built-in roles", async () => {
    const answer = await call<{ data: RoleJson[] }>(t, "GET", "/v1/roles", asOwnerB);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual([
      { name: "admin", description: null, built_in: true },
      { name: "owner", description: null, built_in: true },
      { name: "user", description: null, built_in: true },
    ]);
  });

  it("creates a custom role, assigns it, refuses to delete it while assigned, then deletes it", async () => {
    const created = await call<RoleJson>(t, "POST", "/v1/roles", asOwnerB, {
      name: "billing",
      description: "Invoices",
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: "billing", description: "Invoices", built_in: false });
    const again = await call(t, "POST", "/v1/roles", asOwnerB, { name: "billing" });
    expect(again.status).toBe(409);
    expect((again.body as ErrorJson).code).toBe("role_exists");

    const holder = await call<UserJson>(t, "POST", "/v1/users", asOwnerB, newUser(["billing"]));
    expect(holder.status).toBe(201);
    expect(holder.body.roles).toEqual(["billing"]);

    const inUse = await call(t, "DELETE", "/v1/roles/billing", asOwnerB);
    expect(inUse.status).toBe(409);
    expect((inUse.body as ErrorJson).code).toBe("role_in_use");
    expect((inUse.body as ErrorJson).details?.holders).toBe(1);

    expect(
      (await call(t, "PATCH", `/v1/users/${holder.body.id}`, asOwnerB, { roles: ["user"] })).status,
    ).toBe(200);
    expect((await call(t, "DELETE", "/v1/roles/billing", asOwnerB)).status).toBe(204);
    const list = await call<{ data: { name: string }[] }>(t, "GET", "/v1/roles", asOwnerB);
    expect(list.body.data.map((r) => r.name)).not.toContain("billing");
    const stale = await call(t, "POST", "/v1/users", asOwnerB, newUser(["billing"]));
    expect(stale.status).toBe(422);
    expect((stale.body as ErrorJson).details?.invalid_roles).toEqual(["billing"]);
    expect((await call(t, "DELETE", "/v1/roles/billing", asOwnerB)).status).toBe(404);
  });

  it("counts a live API key holding a role as a use of it", async () => {
    expect((await call(t, "POST", "/v1/roles", asOwnerB, { name: "robot" })).status).toBe(201);
    const key = await call<{ id: string }>(t, "POST", "/v1/api-keys", asOwnerB, {
      name: "bot",
      roles: ["robot"],
    });
    expect(key.status).toBe(201);
    const inUse = await call(t, "DELETE", "/v1/roles/robot", asOwnerB);
    expect(inUse.status).toBe(409);
    expect((inUse.body as ErrorJson).code).toBe("role_in_use");
    expect((await call(t, "DELETE", `/v1/api-keys/${key.body.id}`, asOwnerB)).status).toBe(204);
    expect((await call(t, "DELETE", "/v1/roles/robot", asOwnerB)).status).toBe(204);
  });

  it("refuses to delete a built-in role with 409 built_in_role, in the caller's language", async () => {
    for (const name of ["owner", "admin", "user"]) {
      const answer = await call(t, "DELETE", `/v1/roles/${name}`, asOwnerB);
      expect(answer.status).toBe(409);
      expect((answer.body as ErrorJson).code).toBe("built_in_role");
    }
    const german = await t.request("/v1/roles/admin", {
      method: "DELETE",
      token: asOwnerB.token,
      headers: { "x-tenant-id": tenantB, "accept-language": "de" },
    });
    expect(((await german.json()) as ErrorJson).message).toBe(
      "Eingebaute Rollen können nicht entfernt werden",
    );
  });

  it("refuses a malformed role name with 400", async () => {
    const answer = await call(t, "POST", "/v1/roles", asOwnerB, { name: "Not A Role!" });
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorJson).details?.field).toBe("name");
  });

  it("lets an admin grant only roles it holds, and only the owner grant owner", async () => {
    expect((await call(t, "POST", "/v1/roles", asOwnerA, { name: "support" })).status).toBe(201);
    const asAdmin = { token: adminA.token, tenant: tenantA };
    const target = await addUser(t, asOwnerA, ["user"], "Grant Target");
    const support = await call(t, "PATCH", `/v1/users/${target.id}`, asAdmin, { roles: ["user", "support"] });
    expect(support.status).toBe(403);
    expect((support.body as ErrorJson).notices).toContain("You can only grant roles that you hold yourself.");
    const createSupport = await call(t, "POST", "/v1/users", asAdmin, newUser(["support"]));
    expect(createSupport.status).toBe(403);
    expect((await call(t, "PATCH", `/v1/users/${target.id}`, asAdmin, { roles: ["admin"] })).status).toBe(
      200,
    );
    const owner = await call(t, "PATCH", `/v1/users/${target.id}`, asAdmin, { roles: ["owner"] });
    expect(owner.status).toBe(403);
    expect((owner.body as ErrorJson).notices).toContain("Only the tenant owner can grant the owner role.");
    // The owner may grant any role of the catalogue.
    const byOwner = await call<UserJson>(t, "PATCH", `/v1/users/${target.id}`, asOwnerA, {
      roles: ["support", "owner"],
    });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.is_owner).toBe(true);
    // An admin cannot hand out an API key with more than it holds either.
    const key = await call(t, "POST", "/v1/api-keys", asAdmin, { name: "k", roles: ["support"] });
    expect(key.status).toBe(403);
  });

  it("is closed to plain members", async () => {
    const asPlain = { token: plainA.token, tenant: tenantA };
    expect((await call(t, "POST", "/v1/roles", asPlain, { name: "sneaky" })).status).toBe(403);
    expect((await call(t, "DELETE", "/v1/roles/auditor", asPlain)).status).toBe(403);
  });
});
