/** SQL for tenant-scoped user reads: a tenant's members joined with their user rows, paged by cursor. */
import type { Db } from "../../platform/db/index.ts";
import { containsText, dateParam, escapeLike, like } from "../../platform/db/values.ts";
import { isPlaceholderEmail } from "../../platform/mail/index.ts";
import { type TenantUserView, toTenantUserView } from "./view.ts";

export interface ListFilter {
  readonly limit: number;
  readonly cursor?: { readonly createdAt: Date; readonly id: string };
  /** Case-insensitive substring of e-mail or name. */
  readonly q?: string;
  readonly role?: string;
  readonly status?: "active" | "disabled";
}

const USER_COLUMNS = [
  "u.id",
  "u.name",
  "u.email",
  "u.emailVerified",
  "u.image",
  "u.createdAt",
  "u.updatedAt",
  "u.role",
  "u.banned",
  "u.banExpires",
  "u.username",
  "u.displayUsername",
  "u.phoneNumber",
  "u.status",
  "u.authProvider",
  "u.lastLoginAt",
] as const;

export function createUserQueries(db: Db) {
  const base = () =>
    db.kysely
      .selectFrom("member as m")
      .innerJoin("user as u", "u.id", "m.userId")
      .select([...USER_COLUMNS, "m.role as memberRole"]);

  return {
    async findInTenant(tenantId: string, userId: string): Promise<TenantUserView | null> {
      const row = await base()
        .where("m.organizationId", "=", tenantId)
        .where("u.id", "=", userId)
        .executeTakeFirst();
      return row ? toTenantUserView(row, tenantId, row.memberRole) : null;
    },

    async listInTenant(tenantId: string, filter: ListFilter): Promise<TenantUserView[]> {
      let query = base().where("m.organizationId", "=", tenantId);
      if (filter.cursor) {
        const at = dateParam(db.dialect, filter.cursor.createdAt);
        const id = filter.cursor.id;
        query = query.where((eb) =>
          eb.or([eb("u.createdAt", ">", at), eb.and([eb("u.createdAt", "=", at), eb("u.id", ">", id)])]),
        );
      }
      if (filter.q) {
        const q = filter.q;
        query = query.where((eb) => eb.or([containsText("u.email", q), containsText("u.name", q)]));
      }
      if (filter.status === "disabled")
        query = query.where("u.banned", "=", db.dialect === "postgres" ? true : 1);
      if (filter.status === "active") {
        query = query.where((eb) =>
          eb.or([eb("u.banned", "is", null), eb("u.banned", "=", db.dialect === "postgres" ? false : 0)]),
        );
      }
      // Roles are stored comma-separated; match whole names only.
      if (filter.role) {
        const role = escapeLike(filter.role);
        query = query.where((eb) =>
          eb.or([
            eb("m.role", "=", filter.role as string),
            like("m.role", `${role},%`),
            like("m.role", `%,${role}`),
            like("m.role", `%,${role},%`),
          ]),
        );
      }
      const rows = await query.orderBy("u.createdAt").orderBy("u.id").limit(filter.limit).execute();
      return rows.map((row) => toTenantUserView(row, tenantId, row.memberRole));
    },

    async emailTaken(email: string): Promise<boolean> {
      if (isPlaceholderEmail(email)) return false;
      const row = await db.kysely
        .selectFrom("user")
        .select("id")
        .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
        .executeTakeFirst();
      return row !== undefined;
    },

    async tenantCount(userId: string): Promise<number> {
      const row = await db.kysely
        .selectFrom("member")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("userId", "=", userId)
        .executeTakeFirst();
      return Number(row?.count ?? 0);
    },
  };
}

export type UserQueries = ReturnType<typeof createUserQueries>;
