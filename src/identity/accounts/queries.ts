/**
 * SQL for user reads: a tenant's members joined with their user rows (paged by cursor), and platform-wide
 * accounts (paged by offset, for the dialects). Status filters are status.ts's whereStatus, the SQL twin of the
 * status every view renders.
 *
 * At a million accounts (bench/scale.ts) every list walks an index of migration 011 in its sort order and stops
 * after one page: keyset conditions are row-value comparisons, which both databases turn into an index range,
 * and a count runs only when the page cannot tell the total itself.
 */
import { type Expression, type SqlBool, sql } from "kysely";
import { activeAdmins, activeOwners } from "../../auth/last-owner-guard.ts";
import type { Db } from "../../platform/db/index.ts";
import { preparedQuery } from "../../platform/db/prepared.ts";
import { countUsers } from "../../platform/db/user-count.ts";
import { boolParam, dateParam, escapeLike, like } from "../../platform/db/values.ts";
import { isPlaceholderEmail } from "../../platform/mail/index.ts";
import { searchTerm } from "./search.ts";
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

/**
 * On SQLite, a tenant with at least this many members is listed by walking the users in list order and probing
 * each one's membership (a page costs about limit × accounts/members probes); a smaller one by reading its
 * members and sorting them (a page costs the tenant's size). 5,000 keeps both below a few milliseconds for a
 * tenant of any size out of a million accounts. PostgreSQL's planner makes this choice itself from its
 * per-value statistics.
 */
const LARGE_TENANT_MEMBERS = 5_000;

/** How an account is looked up: by id, Hasura's integer id, or one of its identifiers. */
export type AccountWhere =
  | { readonly id: string }
  | { readonly numericId: number }
  | { readonly email: string }
  | { readonly username: string }
  | { readonly phoneNumber: string };

export interface UserQueryOptions {
  /** LARGE_TENANT_MEMBERS unless given (tests make either plan reachable with a handful of users). */
  readonly largeTenantMembers?: number;
}

export function createUserQueries(db: Db, options: UserQueryOptions = {}) {
  const largeTenantMembers = options.largeTenantMembers ?? LARGE_TENANT_MEMBERS;
  const base = () =>
    db.kysely
      .selectFrom("member as m")
      .innerJoin("user as u", "u.id", "m.userId")
      .select([...USER_COLUMNS, "m.role as memberRole", "m.status as memberStatus"]);

  /**
   * The same condition, in a form SQLite cannot answer from an index. Without statistics SQLite takes an equality
   * on an indexed column (the status indexes of migration 011) for a handful of rows and would read all pending
   * users to sort them; walking the list's sort order and testing each row finds a page of even a rare status
   * (1 %) within a few thousand rows. PostgreSQL chooses from its statistics.
   */
  function walked(condition: Expression<SqlBool>): Expression<SqlBool> {
    return db.dialect === "sqlite" ? sql<SqlBool>`coalesce(${condition}, 0) = 1` : condition;
  }

  /** Whether a tenant's list is cheaper walked from the user side (SQLite only; see LARGE_TENANT_MEMBERS). */
  async function walkUsersFirst(tenantId: string): Promise<boolean> {
    if (db.dialect === "postgres") return false;
    // Counting stops at the threshold, so this costs at most that many index entries.
    const probe = db.kysely
      .selectFrom("member")
      .select("id")
      .where("organizationId", "=", tenantId)
      .limit(largeTenantMembers)
      .as("probe");
    const row = await db.kysely
      .selectFrom(probe)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    return Number(row?.n ?? 0) >= largeTenantMembers;
  }

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

  // Every request on one user (GET, PATCH, DELETE /v1/users/{id}, …) reads it so: compiled once.
  const memberInTenant = preparedQuery<Record<string, unknown>>(db, (_kysely, param) =>
    base().where("m.organizationId", "=", param(0)).where("u.id", "=", param(1)).limit(1),
  );

  return {
    async findInTenant(tenantId: string, userId: string): Promise<TenantUserView | null> {
      const [row] = await memberInTenant(tenantId, userId);
      return row ? toTenantUserView(row, tenantId, row.memberRole, row.memberStatus) : null;
    },

    async listInTenant(tenantId: string, filter: ListFilter): Promise<TenantUserView[]> {
      // The join order decides the cost on SQLite (see LARGE_TENANT_MEMBERS): CROSS JOIN makes SQLite keep the
      // user table outside, walking its createdAt index; PostgreSQL reads it as an inner join and plans freely.
      const large = await walkUsersFirst(tenantId);
      let query = large
        ? db.kysely
            .selectFrom("user as u")
            .crossJoin("member as m")
            .whereRef("m.userId", "=", "u.id")
            .select([...USER_COLUMNS, "m.role as memberRole", "m.status as memberStatus"])
        : base();
      query = query.where("m.organizationId", "=", tenantId);
      if (filter.cursor) {
        const at = dateParam(db.dialect, filter.cursor.createdAt);
        const id = filter.cursor.id;
        query = query.where((eb) => eb(eb.refTuple("u.createdAt", "u.id"), ">", eb.tuple(at, id)));
      }
      if (filter.q) {
        // A small tenant's members are few enough to test one by one; a large one needs the search index.
        const columns = ["email", "name", "username", "phoneNumber"] as const;
        query = query.where(await searchTerm(db, "u.", columns, filter.q, { scan: !large }));
      }
      if (filter.status) {
        const status = filter.status;
        query = query.where((eb) =>
          walked(whereStatus(eb, db.dialect, status, { prefix: "u.", memberStatusColumn: "m.status" })),
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

    /** Owners of the tenant whose membership is not suspended (the guard's count: src/auth/last-owner-guard.ts). */
    activeOwnerCount: (tenantId: string): Promise<number> => activeOwners(db.kysely, tenantId),

    findAccount,

    async listAccounts(query: AccountListQuery): Promise<{ users: AccountView[]; total: number }> {
      const withStatus = (status: UserStatus) =>
        db.kysely.selectFrom("user").where((eb) => whereStatus(eb, db.dialect, status));
      const search = query.search
        ? await searchTerm(db, "", ["email", "username", "name"], query.search)
        : undefined;
      // Counted from the status indexes; listed by walking the sort order (see `walked`).
      const matching = (forCount: boolean) => {
        const status = query.status;
        let rows = db.kysely.selectFrom("user");
        if (status) {
          rows = rows.where((eb) =>
            forCount ? whereStatus(eb, db.dialect, status) : walked(whereStatus(eb, db.dialect, status)),
          );
        }
        return search ? rows.where(search) : rows;
      };
      const filtered = matching(true);
      const count = async (matching: typeof filtered) =>
        Number(
          (await matching.select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirst())?.count ??
            0,
        );
      const countAccounts = () => countUsers(db.kysely);
      const countAll = () => {
        if (!query.status && !query.search) return countAccounts();
        // Nearly every account is active, so counting them reads the whole table; without a search they are
        // all − pending − disabled instead: those two are few and indexed (migration 011), and the three
        // statuses split the accounts exactly (status.ts).
        if (query.status !== "active" || query.search) return count(filtered);
        const disabled = withStatus("disabled");
        return Promise.all([
          countAccounts(),
          count(withStatus("pending")),
          // Disabled = stored so, or else banned (a ban in force has the flag set): two index ranges, where the
          // rule's OR as a whole would be a scan on SQLite. whereStatus still decides every row.
          count(disabled.where("status", "=", "disabled")),
          count(
            disabled
              .where((eb) => eb.or([eb("status", "is", null), eb("status", "!=", "disabled")]))
              .where("banned", "=", boolParam(db.dialect, true)),
          ),
        ]).then(([all, pending, stored, banned]) => all - pending - stored - banned);
      };
      const column = SORT_COLUMNS[query.sort ?? "created_at"];
      const order = query.order ?? "asc";
      // The offset is the contract (skip), so it is paid; but only over the ids of a (column, id) index, and the
      // full rows are read for the one page. Ties follow the sort direction so the index is walked one way.
      const pageIds = matching(false)
        .select("id")
        .orderBy(column, order)
        .orderBy("id", order)
        .limit(query.limit)
        .offset(query.skip);
      const rows = await db.kysely
        .selectFrom("user")
        .selectAll()
        .where("id", "in", pageIds)
        .orderBy(column, order)
        .orderBy("id", order)
        .execute();
      // A page that is not full ends the list, so it tells the total; counting every match is paid only when
      // more may follow (or when the offset ran past the end).
      const known = rows.length < query.limit && (rows.length > 0 || query.skip === 0);
      const total = known ? query.skip + rows.length : await countAll();
      return { users: rows.map(toAccountView), total };
    },

    /** Platform admins whose account is not disabled (the last one is never deleted). */
    activePlatformAdminCount: (): Promise<number> => activeAdmins(db.kysely),
  };
}

export type UserQueries = ReturnType<typeof createUserQueries>;
