/**
 * better-auth's admin list-users (1.7.25) at a million accounts: its endpoint stays as it is (query schema,
 * admin middleware, permission check, answer `{users, total, limit, offset}`, and `{users: [], total: 0}` when a
 * query fails), but the two reads it makes through `internalAdapter` are served from Gatehouse's indexes for
 * this one request (a before hook hands the endpoint a context whose `listUsers` and `countTotalUsers` are ours):
 *
 * - the total of an unfiltered list is the `user_count` row (migrations 011/012) instead of a COUNT(*) of the
 *   table (20–100 ms per page);
 * - a page is chosen by reading ids only, from an index in the page's order (the offset is the contract, so it
 *   is paid, but over index entries, not rows), and the rows are then read by id through better-auth's adapter,
 *   so each user is exactly what the adapter returns. Without `sortBy` better-auth leaves the order to the
 *   database (on SQLite the rowid, the order of creation); it is the order of creation here, `numericId`,
 *   which pages consistently on both dialects;
 * - on SQLite, a `contains` / `ends_with` search on e-mail or name is looked up in the trigram table of
 *   migration 011 (src/platform/db/user-search.ts), and every candidate is confirmed with the LIKE better-auth
 *   would have run, so lists and totals stay exactly its matches.
 *
 * Anything else (another filter, a sort without an index, no limit) goes to better-auth's own reads unchanged.
 */
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { type Expression, type Kysely, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { Db, Tables } from "../../platform/db/index.ts";
import { countUsers } from "../../platform/db/user-count.ts";
import { userSearchMatch } from "../../platform/db/user-search.ts";

interface Where {
  readonly field: string;
  readonly operator?: string;
  readonly value: unknown;
  readonly connector?: string;
  readonly mode?: string;
}
interface SortBy {
  readonly field: string;
  readonly direction: "asc" | "desc";
}
type User = Record<string, unknown> & { id: string };
interface ListReads {
  listUsers(limit?: number, offset?: number, sortBy?: SortBy, where?: Where[]): Promise<User[]>;
  countTotalUsers(where?: Where[]): Promise<number>;
}

/** Sort fields with an index in that order on both dialects (migration 011, the unique e-mail). */
const INDEXED_SORTS = new Set(["createdAt", "username", "lastLoginAt", "email"]);

/** The one search the endpoint builds from searchValue / searchField / searchOperator, when the index serves it. */
function indexedSearch(db: Db, where: readonly Where[] | undefined) {
  if (db.dialect !== "sqlite" || where?.length !== 1) return null;
  const [condition] = where as [Where];
  const { field, operator = "eq", value, mode = "sensitive", connector = "AND" } = condition;
  if (field !== "email" && field !== "name") return null;
  if (operator !== "contains" && operator !== "ends_with") return null;
  // A % or _ is a wildcard in better-auth's LIKE; the index knows only literal text.
  if (typeof value !== "string" || mode !== "sensitive" || connector !== "AND" || /[%_]/.test(value))
    return null;
  const fts = userSearchMatch([field], value);
  if (!fts) return null;
  // The adapter's own condition (@better-auth/kysely-adapter: LIKE without escape), on the user rows: a page
  // reads only the candidates it walks to (in numericId order), a count reads them all.
  const pattern = operator === "contains" ? `%${value}%` : `%${value}`;
  return sql<SqlBool>`"numericId" in (select rowid from user_search where user_search match ${fts.match})
    and ${sql.ref(field)} like ${pattern}`;
}

function reads(
  db: Db,
  kysely: Kysely<Tables>,
  original: ListReads,
  byIds: (ids: string[]) => Promise<User[]>,
) {
  return {
    async countTotalUsers(where?: Where[]): Promise<number> {
      if (!where?.length) return countUsers(kysely);
      const search = indexedSearch(db, where);
      if (!search) return original.countTotalUsers(where);
      const row = await kysely
        .selectFrom("user")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where(search)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async listUsers(limit?: number, offset?: number, sortBy?: SortBy, where?: Where[]): Promise<User[]> {
      const search: Expression<SqlBool> | null | undefined = where?.length
        ? indexedSearch(db, where)
        : undefined;
      const sortable = !sortBy || (INDEXED_SORTS.has(sortBy.field) && !where?.length);
      if (limit === undefined || search === null || !sortable) {
        return original.listUsers(limit, offset, sortBy, where);
      }
      // The offset is stepped over entries of one index that holds what the step reads (PostgreSQL then answers
      // from the index alone, without visiting a row per skipped user): numericId, the e-mail, or (column, id).
      const key = !sortBy ? "numericId" : sortBy.field === "email" ? "email" : "id";
      let keys = kysely.selectFrom("user").select(key);
      if (search) keys = keys.where(search);
      // Ties follow the sort direction, as better-auth's ORDER BY walking the same (column, id) index does; the
      // e-mail is unique (and its index holds no id).
      const ordered = <O>(query: SelectQueryBuilder<Tables, "user", O>) => {
        if (!sortBy) return query.orderBy("numericId");
        const sorted = query.orderBy(sortBy.field, sortBy.direction);
        return key === "email" ? sorted : sorted.orderBy("id", sortBy.direction);
      };
      const pageKeys = ordered(keys)
        .limit(limit)
        .offset(offset ?? 0);
      const rows = await ordered(kysely.selectFrom("user").select("id").where(key, "in", pageKeys)).execute();
      const page = rows.map((row) => row.id as string);
      if (page.length === 0) return [];
      const found = new Map((await byIds(page)).map((user) => [user.id, user]));
      return page.flatMap((id) => found.get(id) ?? []);
    },
  };
}

export function listUsersPlugin(db: Db) {
  return {
    id: "gatehouse-list-users",
    hooks: {
      before: [
        {
          matcher: (context) => context.path === "/admin/list-users",
          handler: createAuthMiddleware(async (ctx) => {
            const original = ctx.context.internalAdapter as unknown as ListReads;
            const adapter = ctx.context.adapter;
            const byIds = (ids: string[]) =>
              adapter.findMany<User>({
                model: "user",
                where: [{ field: "id", operator: "in", value: ids }],
                limit: ids.length,
              });
            // Merged into the endpoint's context by better-auth (the hook's `context`), for this request only.
            return { context: { context: { internalAdapter: reads(db, db.kysely, original, byIds) } } };
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
