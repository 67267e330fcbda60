/**
 * SQL for user reads: a tenant's members joined with their user rows (paged by cursor), and platform-wide
 * accounts (paged by offset, for the dialects). Status filters are status.ts's whereStatus, the SQL twin of the
 * status every view renders.
 */
import { parseRoles } from "../../auth/roles.ts";
import type { Db } from "../../platform/db/index.ts";
import { containsText, dateParam, escapeLike, like } from "../../platform/db/values.ts";
import { isPlaceholderEmail } from "../../platform/mail/index.ts";
import { type UserStatus, whereStatus } from "./status.ts";
import { type AccountView, type TenantUserView, toAccountView, toTenantUserView } from "./view.ts";

export interface ListFilter {
  readonly limit: number;
  readonly cursor?: { readonly createdAt: Date; readonly id: string };
  /** Case-insensitive substring of e-mail or name. */
  readonly q?: string;
  readonly role?: string;
  readonly status?: UserStatus;
}

export interface AccountListQuery {
  readonly skip: number;
  readonly limit: number;
  readonly status?: UserStatus;
  readonly search?: string;
  readonly sort?: "created_at" | "username" | "email" | "last_login_at";
  readonly order?: "asc" | "desc";
}

const SORT_COLUMNS = {
  created_at: "createdAt",
  username: "username",
  email: "email",
  last_login_at: "lastLoginAt",
} as const;

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

/** How an account is looked up: by id, Hasura's integer id, or one of its identifiers. */
export type AccountWhere =
  | { readonly id: string }
  | { readonly numericId: number }
  | { readonly email: string }
  | { readonly username: string }
  | { readonly phoneNumber: string };

export function createUserQueries(db: Db) {
  const base = () =>
    db.kysely
      .selectFrom("member as m")
      .innerJoin("user as u", "u.id", "m.userId")
      .select([...USER_COLUMNS, "m.role as memberRole", "m.status as memberStatus"]);

  async function findAccount(where: AccountWhere): Promise<AccountView | null> {
    let query = db.kysely.selectFrom("user").selectAll();
    if ("id" in where) query = query.where("id", "=", where.id);
    else if ("numericId" in where) query = query.where("numericId", "=", where.numericId);
    else if ("email" in where)
      query = query.where((eb) => eb(eb.fn("lower", ["email"]), "=", where.email.toLowerCase()));
    else if ("username" in where) query = query.where("username", "=", where.username.toLowerCase());
    else query = query.where("phoneNumber", "=", where.phoneNumber);
    const row = await query.executeTakeFirst();
    return row ? toAccountView(row) : null;
  }

  return {
    async findInTenant(tenantId: string, userId: string): Promise<TenantUserView | null> {
      const row = await base()
        .where("m.organizationId", "=", tenantId)
        .where("u.id", "=", userId)
        .executeTakeFirst();
      return row ? toTenantUserView(row, tenantId, row.memberRole, row.memberStatus) : null;
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
        query = query.where((eb) =>
          eb.or([
            containsText("u.email", q),
            containsText("u.name", q),
            containsText("u.username", q),
            containsText("u.phoneNumber", q),
          ]),
        );
      }
      if (filter.status) {
        const status = filter.status;
        query = query.where((eb) =>
          whereStatus(eb, db.dialect, status, { prefix: "u.", memberStatusColumn: "m.status" }),
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
      return rows.map((row) => toTenantUserView(row, tenantId, row.memberRole, row.memberStatus));
    },

    /** Whether an account has this address (the placeholder of accounts without one is never taken). */
    async emailTaken(email: string): Promise<boolean> {
      if (isPlaceholderEmail(email)) return false;
      return (await findAccount({ email })) !== null;
    },

    /** Owners of the tenant whose membership is not suspended. */
    async activeOwnerCount(tenantId: string): Promise<number> {
      const rows = await db.kysely
        .selectFrom("member")
        .select(["role", "status"])
        .where("organizationId", "=", tenantId)
        .where("role", "like", "%owner%")
        .execute();
      return rows.filter((row) => row.status !== "suspended" && parseRoles(row.role).includes("owner"))
        .length;
    },

    findAccount,

    async listAccounts(query: AccountListQuery): Promise<{ users: AccountView[]; total: number }> {
      let filtered = db.kysely.selectFrom("user");
      if (query.status) {
        const status = query.status;
        filtered = filtered.where((eb) => whereStatus(eb, db.dialect, status));
      }
      if (query.search) {
        const search = query.search;
        filtered = filtered.where((eb) =>
          eb.or([
            containsText("email", search),
            containsText("username", search),
            containsText("name", search),
          ]),
        );
      }
      const column = SORT_COLUMNS[query.sort ?? "created_at"];
      const [rows, count] = await Promise.all([
        filtered
          .selectAll()
          .orderBy(column, query.order ?? "asc")
          .orderBy("id")
          .limit(query.limit)
          .offset(query.skip)
          .execute(),
        filtered.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst(),
      ]);
      return { users: rows.map(toAccountView), total: Number(count?.count ?? 0) };
    },

    /** Platform admins whose account is not disabled (the last one is never deleted). */
    async activePlatformAdminCount(): Promise<number> {
      const rows = await db.kysely.selectFrom("user").selectAll().where("role", "like", "%admin%").execute();
      return rows.map(toAccountView).filter((a) => a.isPlatformAdmin && a.status !== "disabled").length;
    },
  };
}

export type UserQueries = ReturnType<typeof createUserQueries>;
