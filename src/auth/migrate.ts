/**
 * Schema migrations at start-up: better-auth's tables and columns first, then Gatehouse's own.
 *
 * Both migrators are slow to find that there is nothing to do — better-auth's introspects every table, column
 * and index, Kysely's takes its lock table — and that is what almost every start finds. So when both have run,
 * what they brought the schema to is recorded: a fingerprint of better-auth's schema (its tables as the options
 * and plugins of this build define them) in `gatehouse_schema_state`, beside Kysely's own list of applied
 * migrations. A later start that finds this build's fingerprint and every migration of this build recorded
 * skips both, after one query. Another plugin or field, a better-auth version that changes a table, or a new
 * migration of ours changes what is expected, and the migrators run as before.
 */
import { createHash } from "node:crypto";
import type { BetterAuthOptions } from "better-auth";
import { getSchema } from "better-auth/db";
import { getMigrations } from "better-auth/db/migration";
import { sql } from "kysely";
import type { Db } from "../platform/db/index.ts";
import { ownMigrationNames, runOwnMigrations } from "../platform/db/migrations.ts";
import type { Auth } from "./index.ts";

const SCHEMA_STATE_TABLE = "gatehouse_schema_state";
// Kysely's bookkeeping table of our migrations (src/platform/db/migrations.ts names it).
const OWN_MIGRATION_TABLE = "gatehouse_migration";
// The state table holds one row: the schema this database was last migrated to.
const STATE_ROW_ID = 1;

/**
 * Brings the schema up to date (run it inside `withStartupLock`, src/platform/db/migrate.ts). Returns whether the
 * migrators ran: false when the database already records this build's schema.
 */
export async function migrate(auth: Auth, db: Db): Promise<boolean> {
  const fingerprint = betterAuthSchemaFingerprint(auth.options);
  if (await isSchemaCurrent(db, fingerprint)) return false;
  // better-auth's migrator reads the connection from a `{ db, type }` database option, not from the guarded
  // adapter factory createAuth passes (src/auth/last-owner-guard.ts).
  const { runMigrations } = await getMigrations({
    ...auth.options,
    database: { db: db.kysely, type: db.dialect },
  });
  await runMigrations();
  await runOwnMigrations(db.kysely, db.dialect);
  await recordSchema(db, fingerprint);
  return true;
}

/** better-auth's tables, fields and indexes as this build's options define them (functions left out). */
export function betterAuthSchemaFingerprint(options: BetterAuthOptions): string {
  return createHash("sha256")
    .update(JSON.stringify(getSchema(options)))
    .digest("hex");
}

/**
 * True when the database records this build's better-auth schema and every migration of ours. Any failure —
 * the tables do not exist yet (first start), the database does not answer — is "not current": the migrators
 * then run, and report a real problem in their own words.
 */
async function isSchemaCurrent(db: Db, fingerprint: string): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string; kind: string }>`
      select name, 'migration' as kind from ${sql.table(OWN_MIGRATION_TABLE)}
      union all
      select fingerprint as name, 'schema' as kind from ${sql.table(SCHEMA_STATE_TABLE)}`.execute(db.kysely);
    const recorded = new Set(rows.filter((row) => row.kind === "migration").map((row) => row.name));
    const schemaRecorded = rows.some((row) => row.kind === "schema" && row.name === fingerprint);
    return schemaRecorded && ownMigrationNames(db.dialect).every((name) => recorded.has(name));
  } catch {
    return false;
  }
}

async function recordSchema(db: Db, fingerprint: string): Promise<void> {
  await db.kysely.schema
    .createTable(SCHEMA_STATE_TABLE)
    .ifNotExists()
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .execute();
  await db.kysely
    .insertInto(SCHEMA_STATE_TABLE)
    .values({ id: STATE_ROW_ID, fingerprint })
    .onConflict((oc) => oc.column("id").doUpdateSet({ fingerprint }))
    .execute();
}
