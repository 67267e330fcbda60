/**
 * A query built and compiled by Kysely once, then run with new values: building and compiling a query (its
 * operation tree, visited into SQL) cost more than running it did on the hottest reads of a request. The SQL
 * text stays the same, so SQLite's prepared statement (observed-driver.ts) is reused too.
 *
 * `build` receives `param(i)`, a stand-in for the i-th value of each run; other values it uses (a `limit`) are
 * fixed at compilation. On SQLite, a run outside any transaction goes straight to the statement (`db.readNow`):
 * Kysely's driver, its connection lock and their promises cost as much as the query. Any other run goes through
 * `db.kysely`, so it follows the current transaction like any query.
 */
import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { Db, Tables } from "./index.ts";

const STAND_IN = "\u0000gatehouse-prepared-param:";

type Slot = { readonly arg: number } | { readonly fixed: unknown };

/**
 * A statement built and compiled once, as a CompiledQuery with each call's values in their places: for a
 * statement run on a connection or transaction of the caller's (a write, the audit chain's append). `build` is
 * as for preparedQuery.
 */
export function compiledOnce<Row>(
  db: Db,
  build: (kysely: Kysely<Tables>, param: (index: number) => string) => Compilable<Row>,
): (...values: unknown[]) => CompiledQuery<Row> {
  let compiled: { query: CompiledQuery<Row>; slots: readonly Slot[] } | undefined;
  const compile = () => {
    const query = build(db.kysely, (index) => `${STAND_IN}${index}`).compile();
    const slots = query.parameters.map((value): Slot => {
      if (typeof value === "string" && value.startsWith(STAND_IN)) {
        return { arg: Number(value.slice(STAND_IN.length)) };
      }
      return { fixed: value };
    });
    return { query, slots };
  };
  return (...values) => {
    compiled ??= compile();
    const { query, slots } = compiled;
    return { ...query, parameters: slots.map((slot) => ("arg" in slot ? values[slot.arg] : slot.fixed)) };
  };
}

/** A read compiled once (compiledOnce), run with each call's values. */
export function preparedQuery<Row>(
  db: Db,
  build: (kysely: Kysely<Tables>, param: (index: number) => string) => Compilable<Row>,
): (...values: unknown[]) => Promise<Row[]> {
  const statement = compiledOnce(db, build);
  return async (...values) => {
    const query = statement(...values);
    const rows = db.readNow?.(query.sql, query.parameters);
    if (rows) return rows as Row[];
    const result = await db.kysely.executeQuery<Row>(query);
    return result.rows as Row[];
  };
}
