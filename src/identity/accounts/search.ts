/**
 * The text search of user lists (`q` of /v1/users, GeoLens `search`): a case-insensitive substring of some of
 * e-mail, name, username and phone number, matched literally. Over a million accounts a scan costs a second, so
 * each dialect answers from an index of migration 011 (src/platform/db/migrations.ts):
 *
 * - PostgreSQL: ILIKE on the bare columns, served by pg_trgm GIN indexes when the extension could be installed
 *   (the planner picks the index or the ordered walk from its statistics);
 * - SQLite: the FTS5 trigram table `user_search` (kept by triggers, rowid = the user's numericId). A phrase of
 *   trigrams matches exactly the substrings LIKE '%…%' matches; a longer text is looked up as an AND of short
 *   phrases (src/platform/db/user-search.ts), whose candidates are then tested with LIKE on the rows read.
 *   Searches shorter than a trigram scan.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Db } from "../../platform/db/index.ts";
import { userSearchMatch } from "../../platform/db/user-search.ts";
import { containsText, escapeLike } from "../../platform/db/values.ts";

export type SearchColumn = "email" | "name" | "username" | "phoneNumber";

/**
 * Up to this many matches SQLite reads the matching users and sorts them; beyond it, walking the list's sort
 * index and keeping the matches finds a page sooner (a page then needs about limit × accounts ÷ matches steps).
 * 2,000 is where both cost about the same for a 50-row page out of a million accounts (bench/scale.ts).
 */
const SEARCH_FIRST_MAX_MATCHES = 2_000;

// biome-ignore lint/suspicious/noExplicitAny: the term applies to any query that reads the user table.
type Eb = ExpressionBuilder<any, any>;
export type SearchTerm = (eb: Eb) => Expression<SqlBool>;

/**
 * The WHERE term for a search on the user table under `prefix` ("u." or ""). Async because on SQLite it first
 * counts the matches (at most SEARCH_FIRST_MAX_MATCHES index entries) to choose the cheaper plan. `scan`: the
 * caller reads few enough rows (a small tenant's members) that testing each beats any index, on SQLite.
 */
export async function searchTerm(
  db: Db,
  prefix: string,
  columns: readonly SearchColumn[],
  text: string,
  options: { readonly scan?: boolean } = {},
): Promise<SearchTerm> {
  if (db.dialect === "postgres") {
    const pattern = `%${escapeLike(text)}%`;
    // PostgreSQL's LIKE and ILIKE escape with a backslash by default.
    return (eb) =>
      eb.or(columns.map((column) => sql<SqlBool>`${sql.ref(`${prefix}${column}`)} ilike ${pattern}`));
  }
  const contains: SearchTerm = (eb) =>
    eb.or(columns.map((column) => containsText(`${prefix}${column}`, text)));
  const fts = options.scan ? null : userSearchMatch(columns, text);
  if (!fts) return contains;
  const { match } = fts;
  const matches = sql`(select rowid from user_search where user_search match ${match})`;
  const counted = await sql<{ n: number }>`select count(*) as n from
    (select rowid from user_search where user_search match ${match} limit ${SEARCH_FIRST_MAX_MATCHES})`.execute(
    db.kysely,
  );
  const numericId = sql.ref(`${prefix}numericId`);
  // Unary plus: the same test, but not usable as an index, so SQLite walks the sort order instead.
  const found =
    Number(counted.rows[0]?.n ?? 0) < SEARCH_FIRST_MAX_MATCHES
      ? sql<SqlBool>`${numericId} in ${matches}`
      : sql<SqlBool>`+${numericId} in ${matches}`;
  // Candidates of several phrases are confirmed on the rows read (for the page, or counted: the matches only).
  return fts.exact ? () => found : (eb) => eb.and([found, contains(eb)]);
}
