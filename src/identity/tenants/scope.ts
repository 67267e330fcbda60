/**
 * What every /v1 request reads before it can be decided, in one query: the tenant it names (by id, else by slug),
 * the caller's membership there, and the tenant's policy version (src/identity/policies/service.ts, which the
 * guard passes to Cedar so that a rule change on another node counts at once). Three look-ups by key, joined
 * rather than run one after the other: on PostgreSQL each would be a round trip of its own.
 */
import { parseRoles } from "../../auth/roles.ts";
import type { Db } from "../../platform/db/index.ts";
import { preparedQuery } from "../../platform/db/prepared.ts";
import { memberStatus } from "../accounts/status.ts";
import type { Membership, Tenant } from "./model.ts";

export interface TenantScope {
  readonly tenant: Tenant;
  /** The user's membership whatever its status; null for no user or no membership. */
  readonly membership: Membership | null;
  readonly policyVersion: number;
}

interface ScopeRow {
  id: string;
  slug: string;
  name: string;
  memberId: string | null;
  memberUserId: string | null;
  memberRole: string | null;
  memberStatus: string | null;
  policyVersion: number | string | null;
}

export function createScopeReader(db: Db) {
  const select = preparedQuery<ScopeRow>(db, (kysely, param) =>
    kysely
      .selectFrom("organization as o")
      .leftJoin("member as m", (join) =>
        join.onRef("m.organizationId", "=", "o.id").on("m.userId", "=", param(0)),
      )
      .leftJoin("tenant_policy_version as v", "v.organizationId", "o.id")
      .select([
        "o.id",
        "o.slug",
        "o.name",
        "m.id as memberId",
        "m.userId as memberUserId",
        "m.role as memberRole",
        "m.status as memberStatus",
        "v.version as policyVersion",
      ])
      .where((eb) => eb.or([eb("o.id", "=", param(1)), eb("o.slug", "=", param(1))]))
      .limit(2),
  );

  /** The tenant `idOrSlug` names with `userId`'s membership (userId null: nobody's); null when no such tenant. */
  return async function scopeOf(idOrSlug: string, userId: string | null): Promise<TenantScope | null> {
    // No user id is ever empty, so "" joins no membership.
    const rows = await select(userId ?? "", idOrSlug);
    // One tenant's slug may be another's id: the id wins, as it always has (service.ts findTenant).
    const row = rows.find((r) => r.id === idOrSlug) ?? rows[0];
    if (!row) return null;
    const membership: Membership | null =
      row.memberId && row.memberUserId
        ? {
            memberId: String(row.memberId),
            userId: String(row.memberUserId),
            roles: parseRoles(row.memberRole),
            status: memberStatus(row.memberStatus),
          }
        : null;
    return {
      tenant: { id: String(row.id), slug: String(row.slug), name: String(row.name) },
      membership,
      policyVersion: row.policyVersion === null ? 0 : Number(row.policyVersion),
    };
  };
}

export type ScopeReader = ReturnType<typeof createScopeReader>;
