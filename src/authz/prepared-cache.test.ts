/**
 * The prepared policy sets are a bounded cache (prepared-slots.ts): however many tenants a node decides for, it
 * keeps at most its capacity, the least recently used tenant gives way, and a tenant that gave way is decided by
 * its own rules again after a reload — never by the set of the tenant that took its slot.
 */
import { describe, expect, it } from "bun:test";
import type { AuthzRequest } from "./model.ts";
import { createAuthorizer } from "./service.ts";
import { captureLogger, createRuleStore, member, rule, tenantUser } from "./testing.ts";

const FORBID_DELETE = `forbid (principal, action == Gatehouse::Action::"users.delete", resource);`;

function deleteIn(tenantId: string): AuthzRequest {
  return {
    principal: member(tenantId, `admin-${tenantId}`, ["admin"]),
    action: "users.delete",
    resource: tenantUser(tenantId, `bob-${tenantId}`, ["user"]),
  };
}

/** Even tenants forbid deletes, odd ones keep the defaults (an admin may delete). */
function setup(capacity: number, tenantCount: number) {
  const store = createRuleStore();
  const tenants = Array.from({ length: tenantCount }, (_, i) => `tenant-${i}`);
  tenants.forEach((tenantId, i) => {
    if (i % 2 === 0) store.put(tenantId, [rule(`no-delete-${i}`, FORBID_DELETE)]);
  });
  const authz = createAuthorizer({
    logger: captureLogger().logger,
    loadRules: store.loadRules,
    maxPreparedTenants: capacity,
  });
  const allowed = async (tenantId: string) => (await authz.authorize(tenantId, deleteIn(tenantId))).allowed;
  return { store, tenants, authz, allowed };
}

describe("prepared policy set cache", () => {
  it("never holds more tenants than its capacity, and each tenant keeps its own rules", async () => {
    const { tenants, authz, allowed } = setup(4, 12);
    for (let round = 0; round < 2; round++) {
      for (const [i, tenantId] of tenants.entries()) {
        expect(await allowed(tenantId)).toBe(i % 2 === 1);
        expect(authz.preparedStats().tenants).toBeLessThanOrEqual(4);
      }
    }
    expect(authz.preparedStats()).toEqual({ tenants: 4, capacity: 4 });
  });

  it("keeps the recently used tenants and reloads the one that gave way", async () => {
    const { store, allowed } = setup(2, 3);
    await allowed("tenant-0");
    await allowed("tenant-1");
    await allowed("tenant-0"); // tenant-1 is now the least recently used
    await allowed("tenant-2"); // takes tenant-1's slot
    expect(await allowed("tenant-0")).toBe(false);
    expect(await allowed("tenant-1")).toBe(true); // reloaded, into tenant-2's slot
    expect(await allowed("tenant-2")).toBe(false); // reloaded as well, with its own forbid
    expect(store.loads).toEqual(["tenant-0", "tenant-1", "tenant-2", "tenant-1", "tenant-2"]);
  });

  it("decides concurrent first requests of as many tenants as it holds", async () => {
    const { tenants, authz, allowed } = setup(8, 8);
    const answers = await Promise.all(tenants.map((tenantId) => allowed(tenantId)));
    expect(answers).toEqual(tenants.map((_, i) => i % 2 === 1));
    expect(authz.preparedStats().tenants).toBe(8);
  });

  it("applies a change notice to a tenant that is cached, and ignores one about a tenant it never saw", async () => {
    const { store, authz, allowed } = setup(2, 2);
    expect(await allowed("tenant-1")).toBe(true);
    store.put("tenant-1", [rule("late-forbid", FORBID_DELETE)]);
    authz.invalidate("tenant-1");
    for (let i = 0; i < 1000; i++) authz.invalidate(`never-seen-${i}`);
    expect(await allowed("tenant-1")).toBe(false);
    expect(authz.preparedStats().tenants).toBe(1);
  });
});
