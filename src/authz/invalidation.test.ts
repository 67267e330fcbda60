import { beforeEach, describe, expect, it } from "bun:test";
import type { AuthzRequest, TenantRuleSet } from "./model.ts";
import { type Authorizer, createAuthorizer } from "./service.ts";
import { captureLogger, createRuleStore, type LogLine, member, rule, tenantUser } from "./testing.ts";

const ACME = "acme";
const admin = member(ACME, "u-admin", ["admin"]);
const deleteBob: AuthzRequest = {
  principal: admin,
  action: "users.delete",
  resource: tenantUser(ACME, "u-bob", ["user"]),
};
const NO_DELETES = [
  rule("no-deletes", `forbid (principal, action == Gatehouse::Action::"users.delete", resource);`),
];

let store: ReturnType<typeof createRuleStore>;
let lines: LogLine[];
let authz: Authorizer;

beforeEach(() => {
  store = createRuleStore();
  const capture = captureLogger();
  lines = capture.lines;
  authz = createAuthorizer({ logger: capture.logger, loadRules: store.loadRules });
});

const allowed = async (options?: { version?: number }) =>
  (await authz.authorize(ACME, deleteBob, options)).allowed;

describe("prepared policy sets", () => {
  it("loads a tenant's rules once for many decisions", async () => {
    for (let i = 0; i < 5; i++) await allowed();
    expect(store.loads).toEqual([ACME]);
  });

  it("shares one load between concurrent first decisions", async () => {
    await Promise.all([allowed(), allowed(), allowed()]);
    expect(store.loads).toEqual([ACME]);
  });

  it("keeps deciding with the prepared set until invalidated, then reloads", async () => {
    expect(await allowed()).toBe(true);
    store.put(ACME, NO_DELETES); // another node changed the rules
    expect(await allowed()).toBe(true);
    authz.invalidate(ACME);
    expect(await allowed()).toBe(false);
    expect(store.loads).toEqual([ACME, ACME]);
  });

  it("reloads when given a policy version different from the prepared one, not when it is the same", async () => {
    expect(await allowed({ version: 0 })).toBe(true);
    expect(await allowed({ version: 0 })).toBe(true);
    expect(store.loads).toHaveLength(1);
    const version = store.put(ACME, NO_DELETES);
    expect(await allowed({ version })).toBe(false);
    expect(await allowed({ version })).toBe(false);
    expect(store.loads).toHaveLength(2);
  });

  it("setTenantRules installs the rules without a load", async () => {
    const version = store.put(ACME, NO_DELETES);
    authz.setTenantRules(ACME, { version, rules: NO_DELETES });
    expect(await allowed({ version })).toBe(false);
    expect(store.loads).toEqual([]);
  });

  it("denies while the rules cannot be loaded, and retries on the next decision", async () => {
    let failing = true;
    const capture = captureLogger();
    const flaky = createAuthorizer({
      logger: capture.logger,
      loadRules: async (tenantId) => {
        if (failing) throw new Error("database unavailable");
        return store.loadRules(tenantId);
      },
    });
    expect((await flaky.authorize(ACME, deleteBob)).allowed).toBe(false);
    expect(capture.lines[0]).toMatchObject({
      msg: "could not load tenant policy rules; denying",
      tenantId: ACME,
    });
    failing = false;
    expect((await flaky.authorize(ACME, deleteBob)).allowed).toBe(true);
  });

  /** An authorizer whose loads finish only when the test releases them, in any order. */
  function slowAuthorizer() {
    const releases: ((set: TenantRuleSet) => void)[] = [];
    const slow = createAuthorizer({
      logger: captureLogger().logger,
      loadRules: () => new Promise<TenantRuleSet>((resolve) => releases.push(resolve)),
    });
    return { slow, releases };
  }

  it("does not share a load that started before an invalidation, and reloads after it", async () => {
    const { slow, releases } = slowAuthorizer();
    const first = slow.authorize(ACME, deleteBob);
    slow.invalidate(ACME); // the load under way may have read the old rules
    const second = slow.authorize(ACME, deleteBob);
    expect(releases).toHaveLength(2);
    releases[0]?.({ version: 1, rules: [] });
    expect((await first).allowed).toBe(true);
    releases[1]?.({ version: 2, rules: NO_DELETES });
    expect((await second).allowed).toBe(false);
    expect((await slow.authorize(ACME, deleteBob)).allowed).toBe(false);
    expect(releases).toHaveLength(2); // the second load was current: nothing more is read
  });

  it("never lets an older load that finishes last replace newer rules", async () => {
    const { slow, releases } = slowAuthorizer();
    const first = slow.authorize(ACME, deleteBob);
    slow.invalidate(ACME);
    const second = slow.authorize(ACME, deleteBob);
    releases[1]?.({ version: 2, rules: NO_DELETES });
    expect((await second).allowed).toBe(false);
    releases[0]?.({ version: 1, rules: [] });
    expect((await first).allowed).toBe(false);
    expect((await slow.authorize(ACME, deleteBob)).allowed).toBe(false);
    expect(releases).toHaveLength(2);
  });

  it("keeps the prepared sets of two authorizers apart", async () => {
    const other = createAuthorizer({
      logger: captureLogger().logger,
      loadRules: createRuleStore().loadRules,
    });
    authz.setTenantRules(ACME, { version: 1, rules: NO_DELETES });
    expect((await other.authorize(ACME, deleteBob)).allowed).toBe(true);
    expect(await allowed()).toBe(false);
    expect(lines).toEqual([]);
  });
});
