/**
 * Tenants are better-auth organizations. This service owns what Gatehouse adds to them: the `default` tenant,
 * each tenant's role catalogue, and membership look-ups in the shape the /v1 routes and the authorizer need.
 * The tenant id is an explicit argument everywhere; nothing here keeps per-tenant state.
 */
import type { Auth } from "../../auth/index.ts";
import { parseRoles } from "../../auth/roles.ts";
import type { Db } from "../../platform/db/index.ts";
import { dateParam, toDate } from "../../platform/db/values.ts";

export const DEFAULT_TENANT_SLUG = "default";
/** The roles every tenant starts with; `owner` can never be removed. */
export const BASE_TENANT_ROLES = ["owner", "admin", "user"] as const;

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

export interface Membership {
  readonly memberId: string;
  readonly userId: string;
  readonly roles: readonly string[];
}

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
}

export function createTenantService(deps: { auth: Auth; db: Db; extraDefaultRoles: readonly string[] }) {
  const { auth, db } = deps;
  const defaultRoles = [...new Set([...BASE_TENANT_ROLES, ...deps.extraDefaultRoles])];
  const adapter = async () => (await auth.$context).adapter;

  async function findTenant(idOrSlug: string): Promise<Tenant | null> {
    const a = await adapter();
    const byId = await a.findOne<OrganizationRow>({
      model: "organization",
      where: [{ field: "id", value: idOrSlug }],
    });
    const row =
      byId ??
      (await a.findOne<OrganizationRow>({
        model: "organization",
        where: [{ field: "slug", value: idOrSlug }],
      }));
    return row ? { id: row.id, slug: row.slug, name: row.name } : null;
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

    async ensureDefaultTenant(ownerUserId: string | undefined): Promise<Tenant> {
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
      if (ownerUserId) {
        const owner = await a.findOne<MemberRow>({
          model: "member",
          where: [
            { field: "organizationId", value: tenant.id },
            { field: "role", value: "owner" },
          ],
        });
        if (!owner) {
          const existing = await a.findOne<MemberRow>({
            model: "member",
            where: [
              { field: "organizationId", value: tenant.id },
              { field: "userId", value: ownerUserId },
            ],
          });
          if (existing) {
            await a.update({
              model: "member",
              where: [{ field: "id", value: existing.id }],
              update: { role: "owner" },
            });
          } else {
            await a.create({
              model: "member",
              data: { organizationId: tenant.id, userId: ownerUserId, role: "owner", createdAt: new Date() },
            });
          }
        }
      }
      return tenant;
    },

    async membership(tenantId: string, userId: string): Promise<Membership | null> {
      const row = await (await adapter()).findOne<MemberRow>({
        model: "member",
        where: [
          { field: "organizationId", value: tenantId },
          { field: "userId", value: userId },
        ],
      });
      return row ? { memberId: row.id, userId: row.userId, roles: parseRoles(row.role) } : null;
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
