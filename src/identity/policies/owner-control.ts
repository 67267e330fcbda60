/**
 * The trial a new or changed rule must pass: the tenant's owners can still read, disable and delete every rule
 * (OWNER_RULE_CONTROL_ACTIONS). The rule is tried against each current owner and against an owner yet to come
 * (ownership can pass to someone else), on the rules that exist, the rule itself and a rule yet to be made.
 * The authorizer also decides these actions for owners without the tenant's rules, so a rule stored before
 * this check, or one the trial misses, still cannot lock the owner out.
 */
import { randomUUID } from "node:crypto";
import { parseRoles } from "../../auth/roles.ts";
import type { AuthzPrincipal, AuthzRequest } from "../../authz/model.ts";
import type { Db } from "../../platform/db/index.ts";

export interface TenantOwner {
  readonly userId: string;
  readonly roles: readonly string[];
}

// An id no account has (accounts have UUIDs): stands for whoever becomes the owner later.
const FUTURE_OWNER_ID = "gatehouse:future-owner";

/** The tenant's owners, suspended ones included (they can be reactivated), with their roles there. */
export async function tenantOwners(db: Db, tenantId: string): Promise<TenantOwner[]> {
  const rows = await db.kysely
    .selectFrom("member")
    .select(["userId", "role"])
    .where("organizationId", "=", tenantId)
    .execute();
  return rows
    .map((row) => ({ userId: String(row.userId), roles: parseRoles(row.role) }))
    .filter((member) => member.roles.includes("owner"));
}

/** Every owner-control request the trial asks, for each owner and each rule. */
export function ownerControlRequests(
  tenantId: string,
  owners: readonly TenantOwner[],
  ruleIds: readonly string[],
): AuthzRequest[] {
  const principals: AuthzPrincipal[] = [...owners, { userId: FUTURE_OWNER_ID, roles: ["owner"] }].map(
    (owner) => ({ type: "User", id: owner.userId, tenantId, roles: owner.roles, isPlatformAdmin: false }),
  );
  const policyIds = [...new Set([...ruleIds, randomUUID()])];
  return principals.flatMap((principal): AuthzRequest[] => [
    { principal, action: "policies.list", resource: { type: "Tenant", id: tenantId } },
    ...policyIds.flatMap((id): AuthzRequest[] => [
      { principal, action: "policies.update", resource: { type: "Policy", id, tenantId } },
      { principal, action: "policies.delete", resource: { type: "Policy", id, tenantId } },
    ]),
  ]);
}
