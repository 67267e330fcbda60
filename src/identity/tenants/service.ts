/**
 * Tenants are better-auth organizations. This service owns what Gatehouse adds to them: the `default` tenant,
 * each tenant's role catalogue, and membership look-ups in the shape the /v1 routes and the authorizer need.
 * The tenant id is an explicit argument everywhere; nothing here keeps per-tenant state.
 */
import type { Auth } from "../../auth/index.ts";
import { guardedWrite, ownerMemberships } from "../../auth/last-owner-guard.ts";
import { parseRoles } from "../../auth/roles.ts";
import { inAuthTransaction } from "../../auth/transaction.ts";
import type { Db } from "../../platform/db/index.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";
import { type MemberStatus, memberStatus } from "../accounts/status.ts";
import type { Membership, Tenant } from "./model.ts";
import { createScopeReader } from "./scope.ts";

export const DEFAULT_TENANT_SLUG = "default";
/** The roles every tenant starts with; `owner` can never be removed. */
export const BASE_TENANT_ROLES = ["owner", "admin", "user"] as const;

export type { Membership, Tenant } from "./model.ts";

/** The tenant role every account holds in `default`. */
export const DEFAULT_MEMBER_ROLE = "user";

export interface TenantRole {
  readonly name: string;
  readonly description: string | null;
  readonly builtIn: boolean;
}

interface OrganizationRow {
  id: string;
  slug: string;
  name: string;
}

interface MemberRow {
  id: string;
  userId: string;
  organizationId: string;
  role: string;
  status?: string | null;
}

/** The guard's scope of a change to one membership of the tenant. */
const ownersOf = (tenantId: string) => async () => ({ tenantIds: [tenantId], admins: false });

function toMembership(row: MemberRow): Membership {
  return {
    memberId: row.id,
    userId: row.userId,
    roles: parseRoles(row.role),
    status: memberStatus(row.status),
  };
}

export function createTenantService(deps: { auth: Auth; db: Db; extraDefaultRoles: readonly string[] }) {
  const { auth, db } = deps;
  const defaultRoles = [...new Set([...BASE_TENANT_ROLES, ...deps.extraDefaultRoles])];
  const adapter = async () => (await auth.$context).adapter;

  /**
   * By id, else by slug. Every /v1 request resolves its tenant, so this is one indexed Kysely query (both columns
   * are keys) rather than two reads through better-auth's adapter, which cost about ten times as much each.
   */
  async function findTenant(idOrSlug: string): Promise<Tenant | null> {
    const rows = (await db.kysely
      .selectFrom("organization")
      .select(["id", "slug", "name"])
      .where((eb) => eb.or([eb("id", "=", idOrSlug), eb("slug", "=", idOrSlug)]))
      .limit(2)
      .execute()) as OrganizationRow[];
    // One tenant's slug may be another's id: the id wins, as it always has.
    const row = rows.find((r) => r.id === idOrSlug) ?? rows[0];
    return row ? { id: String(row.id), slug: String(row.slug), name: String(row.name) } : null;
  }

  async function findMembership(tenantId: string, userId: string): Promise<Membership | null> {
    // Read with Kysely, not the adapter: the status column is Gatehouse's (migration 004), unknown to better-auth.
    const row = await db.kysely
      .selectFrom("member")
      .select(["id", "userId", "organizationId", "role", "status"])
      .where("organizationId", "=", tenantId)
      .where("userId", "=", userId)
      .executeTakeFirst();
    return row ? toMembership(row as MemberRow) : null;
  }

  /**
   * The one place a membership is written: adds the user to the tenant with `roles`, or sets the roles of the
   * membership it has (keeping its status).
   */
  async function setMember(tenantId: string, userId: string, roles: readonly string[]): Promise<void> {
    const existing = await findMembership(tenantId, userId);
    const role = roles.join(",");
    const a = await adapter();
    if (existing) {
      await a.update({
        model: "member",
        where: [{ field: "id", value: existing.memberId }],
        update: { role },
      });
      return;
    }
    await a.create({
      model: "member",
      data: { organizationId: tenantId, userId, role, createdAt: new Date() },
    });
  }

  /** Seeds the catalogue on first use, so tenants created through any path get the default roles. */
  async function ensureCatalogue(tenantId: string): Promise<void> {
    const existing = await db.kysely
      .selectFrom("tenant_role")
      .select("name")
      .where("organizationId", "=", tenantId)
      .limit(1)
      .execute();
    if (existing.length > 0) return;
    const now = dateParam(db.dialect, new Date());
    await db.kysely
      .insertInto("tenant_role")
      .values(
        defaultRoles.map((name) => ({ organizationId: tenantId, name, description: null, createdAt: now })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  return {
    findTenant,

    /** A request's tenant, the caller's membership there and the tenant's policy version, in one read. */
    scope: createScopeReader(db),

    /** The `default` tenant, its role catalogue and its owner: created together (one transaction) or not at all. */
    async ensureDefaultTenant(ownerUserId: string | undefined): Promise<Tenant> {
      return inAuthTransaction(auth, async () => {
        const a = await adapter();
        let tenant = await findTenant(DEFAULT_TENANT_SLUG);
        if (!tenant) {
          const row = await a.create<Omit<OrganizationRow, "id">, OrganizationRow>({
            model: "organization",
            data: { name: "Default", slug: DEFAULT_TENANT_SLUG, createdAt: new Date() } as Omit<
              OrganizationRow,
              "id"
            >,
          });
          tenant = { id: row.id, slug: row.slug, name: row.name };
        }
        await ensureCatalogue(tenant.id);
        // Read from the owners' index (src/auth/last-owner-guard.ts): `default` holds every account.
        if (ownerUserId && (await ownerMemberships(db.kysely, tenant.id)).length === 0) {
          await setMember(tenant.id, ownerUserId, ["owner"]);
        }
        return tenant;
      });
    },

    /**
     * The membership through which the user acts in the tenant: null when there is none or it is suspended, so
     * the request pipeline (src/http/pipeline/tenant-context.ts) treats a suspended member as a non-member.
     */
    async membership(tenantId: string, userId: string): Promise<Membership | null> {
      const found = await findMembership(tenantId, userId);
      return found?.status === "active" ? found : null;
    },

    /** The membership whatever its status (the core's own reads: listing, suspending, removing). */
    findMembership,

    setMember,

    /** Every account is a member of `default`: adds it with the role `user` unless it is one already. */
    async joinDefault(userId: string): Promise<void> {
      const tenant = await findTenant(DEFAULT_TENANT_SLUG);
      if (!tenant || (await findMembership(tenant.id, userId))) return;
      await setMember(tenant.id, userId, [DEFAULT_MEMBER_ROLE]);
    },

    /**
     * Start-up repair: accounts created before every account joined `default` (or whose joining failed) become
     * members with the role `user`. Idempotent; costs one query when nothing is missing.
     */
    async backfillDefaultMemberships(): Promise<number> {
      const tenant = await findTenant(DEFAULT_TENANT_SLUG);
      if (!tenant) return 0;
      const missing = await db.kysely
        .selectFrom("user as u")
        .select("u.id")
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("member as m")
                .select("m.id")
                .whereRef("m.userId", "=", "u.id")
                .where("m.organizationId", "=", tenant.id),
            ),
          ),
        )
        .execute();
      for (const row of missing) await setMember(tenant.id, String(row.id), [DEFAULT_MEMBER_ROLE]);
      return missing.length;
    },

    /** Suspending or removing an owner is refused (LastHolderError) when it would leave the tenant without one. */
    async setMemberStatus(tenantId: string, userId: string, status: MemberStatus): Promise<void> {
      await guardedWrite(db.kysely, db.dialect, ownersOf(tenantId), (trx) =>
        trx
          .updateTable("member")
          .set({ status })
          .where("organizationId", "=", tenantId)
          .where("userId", "=", userId)
          .execute(),
      );
    },

    async removeMember(tenantId: string, userId: string): Promise<void> {
      await guardedWrite(db.kysely, db.dialect, ownersOf(tenantId), (trx) =>
        trx
          .deleteFrom("member")
          .where("organizationId", "=", tenantId)
          .where("userId", "=", userId)
          .execute(),
      );
    },

    /** Tenants by name, `limit` at most (the admin console's list for platform admins). */
    async listTenants(limit: number): Promise<Tenant[]> {
      const rows = await (await adapter()).findMany<OrganizationRow>({
        model: "organization",
        sortBy: { field: "name", direction: "asc" },
        limit,
      });
      return rows.map((row) => ({ id: row.id, slug: row.slug, name: row.name }));
    },

    async tenantsOf(userId: string): Promise<string[]> {
      const rows = await (await adapter()).findMany<MemberRow>({
        model: "member",
        where: [{ field: "userId", value: userId }],
      });
      return rows.map((row) => row.organizationId);
    },

    async listRoles(tenantId: string): Promise<TenantRole[]> {
      await ensureCatalogue(tenantId);
      const rows = await db.kysely
        .selectFrom("tenant_role")
        .select(["name", "description"])
        .where("organizationId", "=", tenantId)
        .orderBy("name")
        .execute();
      return rows.map((row) => ({
        name: String(row.name),
        description: (row.description as string | null) ?? null,
        builtIn: (BASE_TENANT_ROLES as readonly string[]).includes(String(row.name)),
      }));
    },

    async roleNames(tenantId: string): Promise<Set<string>> {
      await ensureCatalogue(tenantId);
      const rows = await db.kysely
        .selectFrom("tenant_role")
        .select("name")
        .where("organizationId", "=", tenantId)
        .execute();
      return new Set(rows.map((row) => String(row.name)));
    },

    /** false when the role already exists. */
    async createRole(tenantId: string, name: string, description: string | null): Promise<boolean> {
      await ensureCatalogue(tenantId);
      const result = await db.kysely
        .insertInto("tenant_role")
        .values({ organizationId: tenantId, name, description, createdAt: dateParam(db.dialect, new Date()) })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** false when there was no such role. */
    async deleteRole(tenantId: string, name: string): Promise<boolean> {
      const result = await db.kysely
        .deleteFrom("tenant_role")
        .where("organizationId", "=", tenantId)
        .where("name", "=", name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /**
     * How many members and live API keys of the tenant hold the role (a role in use cannot be removed: a key
     * keeping a removed role would regain it if a role of that name were created again).
     */
    async countRoleHolders(tenantId: string, name: string): Promise<number> {
      const rows = await (await adapter()).findMany<MemberRow>({
        model: "member",
        where: [{ field: "organizationId", value: tenantId }],
      });
      const members = rows.filter((row) => parseRoles(row.role).includes(name)).length;
      const keys = await db.kysely
        .selectFrom("api_key")
        .select(["roles", "expiresAt"])
        .where("organizationId", "=", tenantId)
        .where("revokedAt", "is", null)
        .execute();
      const now = Date.now();
      const liveKeys = keys.filter(
        (key) =>
          (key.expiresAt === null || toDate(key.expiresAt).getTime() > now) &&
          (JSON.parse(String(key.roles)) as string[]).includes(name),
      ).length;
      return members + liveKeys;
    },
  };
}

export type TenantService = ReturnType<typeof createTenantService>;
