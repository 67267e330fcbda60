/**
 * The plan of a compiled query as text, for tests that a query reads along its index: SQLite's EXPLAIN QUERY
 * PLAN, or PostgreSQL's EXPLAIN with sequential scans off (on a table of a few rows PostgreSQL reads it whole
 * whatever the indexes; with that off the plan shows whether the query can use the index at all).
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { Tables } from "../../src/platform/db/index.ts";
import type { TestApp } from "./test-app.ts";

export async function planOf(app: TestApp, query: CompiledQuery): Promise<string> {
  const kysely = app.deps.db.kysely as Kysely<Tables>;
  if (app.deps.db.dialect !== "postgres") {
    const plan = await kysely.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
    );
    return plan.rows.map((row) => row.detail).join("\n");
  }
  return kysely.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw("SET LOCAL enable_seqscan = off"));
    const plan = await trx.executeQuery<{ "QUERY PLAN": string }>(
      CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]),
    );
    return plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
  });
}
