import { beforeEach, describe, expect, it } from "bun:test";
import type { AuthzPrincipal, AuthzRequest, TenantRule } from "./model.ts";
import { type Authorizer, createAuthorizer } from "./service.ts";
import {
  captureLogger,
  createRuleStore,
  defaultNotice,
  type LogLine,
  member,
  platformAdmin,
  rule,
  tenantUser,
} from "./testing.ts";

const ACME = "acme";
const GLOBEX = "globex";
const OWNER_PROTECTED = defaultNotice("owner-protected");

const owner = member(ACME, "u-owner", ["owner"]);
const admin = member(ACME, "u-admin", ["admin"]);
const support = member(ACME, "u-support", ["user", "support"]);

const deleteBob = (principal: AuthzPrincipal, tenantId = ACME): AuthzRequest => ({
  principal,
  action: "users.delete",
  resource: tenantUser(tenantId, "u-bob", ["user"]),
});
const listUsers = (principal: AuthzPrincipal): AuthzRequest => ({
  principal,
  action: "users.list",
  resource: { type: "Tenant", id: ACME },
});

const ONLY_OWNER_DELETES = `forbid (principal, action == Gatehouse::Action::"users.delete", resource)
unless { principal.roles.contains("owner") };`;
const SUPPORT_READS = `permit (principal, action in [Gatehouse::Action::"users.list", Gatehouse::Action::"users.read"], resource)
when { principal.roles.contains("support") };`;
const FORBID_ALL_DELETES = `forbid (principal, action == Gatehouse::Action::"users.delete", resource);`;
// Valid in strict mode (Long + Long), but overflows when evaluated.
const OVERFLOW = "9223372036854775807 + 1 > 0";

let store: ReturnType<typeof createRuleStore>;
let lines: LogLine[];
let authz: Authorizer;

beforeEach(() => {
  store = createRuleStore();
  const capture = captureLogger();
  lines = capture.lines;
  authz = createAuthorizer({ logger: capture.logger, loadRules: store.loadRules });
});

function withRules(rules: TenantRule[], tenantId = ACME): void {
  authz.setTenantRules(tenantId, { version: store.put(tenantId, rules), rules });
}

describe("tenant rules", () => {
  it("a custom forbid with a notice denies and returns that notice", async () => {
    expect((await authz.authorize(ACME, deleteBob(admin))).allowed).toBe(true);
    withRules([
      rule("owner-deletes", ONLY_OWNER_DELETES, { notice: "Only the owner removes users at Acme." }),
    ]);
    expect(await authz.authorize(ACME, deleteBob(admin))).toEqual({
      allowed: false,
      notices: ["Only the owner removes users at Acme."],
      reasons: ["tenant:owner-deletes"],
    });
    expect((await authz.authorize(ACME, deleteBob(owner))).allowed).toBe(true);
  });

  it("a custom permit extends what a role may do", async () => {
    expect((await authz.authorize(ACME, listUsers(support))).allowed).toBe(false);
    withRules([rule("support-reads", SUPPORT_READS, { notice: "Support reads users." })]);
    expect(await authz.authorize(ACME, listUsers(support))).toEqual({
      allowed: true,
      notices: ["Support reads users."],
      reasons: ["tenant:support-reads"],
    });
  });

  it("a tenant permit cannot widen a default forbid", async () => {
    withRules([rule("anyone-grants", `permit (principal, action, resource);`)]);
    const decision = await authz.authorize(ACME, {
      principal: support,
      action: "users.grantRole",
      resource: tenantUser(ACME, "u-bob", ["user"]),
      context: { roles: ["owner"] },
    });
    expect(decision.allowed).toBe(false);
    expect(decision.reasons).toEqual(["grant-held-roles-only", "owner-grants-owner"]);
  });

  it("ignores disabled rules", async () => {
    withRules([rule("owner-deletes", ONLY_OWNER_DELETES, { enabled: false, notice: "off" })]);
    expect(await authz.authorize(ACME, deleteBob(admin))).toMatchObject({
      allowed: true,
      reasons: ["tenant-admins"],
    });
  });

  it("orders notices by priority (lower first), tenant rules before defaults, without changing the decision", async () => {
    const target = tenantUser(ACME, "u-owner", ["owner"]);
    const request: AuthzRequest = { principal: admin, action: "users.delete", resource: target };
    withRules([
      rule("b", FORBID_ALL_DELETES, { notice: "Second.", priority: 20 }),
      rule("a", FORBID_ALL_DELETES, { notice: "First.", priority: 10 }),
    ]);
    expect(await authz.authorize(ACME, request)).toEqual({
      allowed: false,
      notices: ["First.", "Second.", OWNER_PROTECTED],
      reasons: ["tenant:a", "tenant:b", "owner-protected"],
    });
    withRules([
      rule("b", FORBID_ALL_DELETES, { notice: "Second.", priority: 1 }),
      rule("a", FORBID_ALL_DELETES, { notice: "First.", priority: 10 }),
    ]);
    const swapped = await authz.authorize(ACME, request);
    expect(swapped.allowed).toBe(false);
    expect(swapped.notices).toEqual(["Second.", "First.", OWNER_PROTECTED]);
  });

  it("reports a notice once when several determining policies share it", async () => {
    withRules([
      rule("a", FORBID_ALL_DELETES, { notice: "No deletes." }),
      rule("b", FORBID_ALL_DELETES, { notice: "No deletes." }),
      rule("c", FORBID_ALL_DELETES, { notice: null }),
    ]);
    const decision = await authz.authorize(ACME, deleteBob(admin));
    expect(decision.notices).toEqual(["No deletes."]);
    expect(decision.reasons).toEqual(["tenant:a", "tenant:b", "tenant:c"]);
  });

  it("applies a tenant's rules to that tenant only", async () => {
    withRules([rule("no-deletes", FORBID_ALL_DELETES)], ACME);
    const globexAdmin = member(GLOBEX, "u-g-admin", ["admin"]);
    expect((await authz.authorize(GLOBEX, deleteBob(globexAdmin, GLOBEX))).allowed).toBe(true);
    expect((await authz.authorize(ACME, deleteBob(admin))).allowed).toBe(false);
  });

  it("does not bind platform admins, so a tenant cannot lock out its repairers", async () => {
    withRules([rule("lockdown", `forbid (principal, action, resource);`, { notice: "Locked." })]);
    expect((await authz.authorize(ACME, deleteBob(owner))).allowed).toBe(false);
    expect(await authz.authorize(ACME, deleteBob(platformAdmin(ACME)))).toMatchObject({ allowed: true });
  });
});

describe("the owner keeps control of the rules", () => {
  const onRules = (principal: AuthzPrincipal): AuthzRequest[] => [
    { principal, action: "policies.list", resource: { type: "Tenant", id: ACME } },
    { principal, action: "policies.update", resource: { type: "Policy", id: "lockdown", tenantId: ACME } },
    { principal, action: "policies.delete", resource: { type: "Policy", id: "lockdown", tenantId: ACME } },
  ];

  it("lets the owner read, change and delete rules whatever they say; everything else stays bound", async () => {
    withRules([rule("lockdown", `forbid (principal, action, resource);`)]);
    for (const request of onRules(owner)) expect((await authz.authorize(ACME, request)).allowed).toBe(true);
    for (const request of onRules(admin)) expect((await authz.authorize(ACME, request)).allowed).toBe(false);
    expect((await authz.authorize(ACME, deleteBob(owner))).allowed).toBe(false);
    // An owner of another tenant is no owner here.
    const globexOwner = member(GLOBEX, "u-g-owner", ["owner"]);
    expect((await authz.authorize(ACME, onRules(globexOwner)[0] as AuthzRequest)).allowed).toBe(false);
  });

  it("deniedByRule names what one rule alone would deny, errors included, and logs nothing", () => {
    const requests = onRules(owner);
    expect(authz.deniedByRule(ONLY_OWNER_DELETES, requests)).toEqual([]);
    expect(authz.deniedByRule(`forbid (principal, action, resource);`, requests)).toEqual(requests);
    const deletes = `forbid (principal, action == Gatehouse::Action::"policies.delete", resource);`;
    expect(authz.deniedByRule(deletes, requests).map((r) => r.action)).toEqual(["policies.delete"]);
    const erroring = `forbid (principal, action == Gatehouse::Action::"policies.list", resource) when { ${OVERFLOW} };`;
    expect(authz.deniedByRule(erroring, requests).map((r) => r.action)).toEqual(["policies.list"]);
    expect(lines).toEqual([]);
  });
});

describe("validateRule", () => {
  it("accepts a rule that fits the schema", () => {
    expect(authz.validateRule(SUPPORT_READS)).toEqual({ ok: true });
  });

  it.each([
    [
      "a syntax error",
      `permit (principal, action, resource) when { principal.roles.contains("x") `,
      /unexpected/,
    ],
    [
      "an unknown attribute (strict mode)",
      `permit (principal, action, resource) when { principal.department == "sales" };`,
      /attribute `department`/,
    ],
    ["a type error", `permit (principal, action, resource) when { principal.roles == "admin" };`, /type/],
    [
      "an unknown action",
      `permit (principal, action == Gatehouse::Action::"users.fly", resource);`,
      /users\.fly/,
    ],
    ["an unknown entity type", `permit (principal is Gatehouse::Robot, action, resource);`, /Robot/],
    ["a template slot", `permit (principal == ?principal, action, resource);`, /slot|template|\?principal/i],
    ["an empty rule", "  // nothing here", /unexpected end of input/],
    ["two policies in one rule", `${FORBID_ALL_DELETES}\n${FORBID_ALL_DELETES}`, /unexpected token/],
  ])("refuses %s with Cedar's messages", (_, text, message) => {
    const result = authz.validateRule(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.join("\n")).toMatch(message);
  });

  it("setTenantRules refuses an invalid rule and keeps the rules in force", async () => {
    withRules([rule("no-deletes", FORBID_ALL_DELETES)]);
    const broken = [
      rule("no-deletes", FORBID_ALL_DELETES),
      rule("bad", `permit (principal, action, resource) when {`),
    ];
    expect(() => authz.setTenantRules(ACME, { version: 99, rules: broken })).toThrow(
      /invalid tenant policy rules/,
    );
    expect((await authz.authorize(ACME, deleteBob(admin))).reasons).toEqual(["tenant:no-deletes"]);
  });
});

describe("fail closed", () => {
  const errorLines = () => lines.filter((line) => line.level >= 50);

  it("a permit that errors at evaluation does not allow", async () => {
    withRules([
      rule(
        "support-reads-broken",
        `permit (principal, action == Gatehouse::Action::"users.list", resource)
        when { ${OVERFLOW} && principal.roles.contains("support") };`,
      ),
    ]);
    expect(await authz.authorize(ACME, listUsers(support))).toEqual({
      allowed: false,
      notices: [],
      reasons: [],
    });
    // While the rule is broken, even requests that another policy permits are denied: an error is never
    // taken as "this rule does not apply".
    expect((await authz.authorize(ACME, listUsers(admin))).allowed).toBe(false);
    expect(errorLines()[0]).toMatchObject({ msg: "policy evaluation errors; denying", tenantId: ACME });
  });

  it("a forbid that errors at evaluation still denies, and the error is logged, not returned", async () => {
    withRules([
      rule(
        "no-listing",
        `forbid (principal, action == Gatehouse::Action::"users.list", resource) when { ${OVERFLOW} };`,
        {
          notice: "Listing is off.",
        },
      ),
    ]);
    const decision = await authz.authorize(ACME, listUsers(admin));
    expect(decision).toEqual({ allowed: false, notices: [], reasons: [] });
    expect(JSON.stringify(decision)).not.toMatch(/overflow/);
    const [logged] = errorLines();
    expect(logged).toMatchObject({ tenantId: ACME, action: "users.list", principal: "User:u-admin" });
    expect(JSON.stringify(logged?.errors)).toMatch(/tenant:no-listing.*overflow/);
  });

  it("denies every decision of a tenant whose stored rules no longer validate", async () => {
    store.put(ACME, [rule("stale", `permit (principal, action, resource) when { principal.retired };`)]);
    expect(await authz.authorize(ACME, listUsers(admin))).toEqual({
      allowed: false,
      notices: [],
      reasons: [],
    });
    expect(errorLines()[0]).toMatchObject({ msg: "tenant policy rules are invalid", tenantId: ACME });
  });

  it("denies a request that does not fit the schema", async () => {
    // A caller bypassing the types: roles.create without its `role` context.
    const malformed = { principal: admin, action: "roles.create", resource: { type: "Tenant", id: ACME } };
    const decision = await authz.authorize(ACME, malformed as unknown as AuthzRequest);
    expect(decision.allowed).toBe(false);
    expect(errorLines()[0]).toMatchObject({ msg: "authorization request rejected by the Cedar schema" });
    expect(JSON.stringify(errorLines()[0]?.errors)).toMatch(/role/);
  });
});
