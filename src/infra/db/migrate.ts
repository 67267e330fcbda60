/** Schema migrations at start-up: better-auth's tables and columns first, then Gatehouse's own. */
import { getMigrations } from "better-auth/db/migration";
import { sql } from "kysely";
import type { Auth } from "../../auth/index.ts";
import type { Db } from "./index.ts";
import { runOwnMigrations } from "./migrations.ts";

// Any fixed number works; it only has to be the same on every node (it names "Gatehouse's migrations").
const MIGRATION_LOCK_KEY = 7_301_446_105;

/** Brings the schema up to date (run it inside `withStartupLock`). */
export async function migrate(auth: Auth, db: Db): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  await runOwnMigrations(db.kysely, db.dialect);
}

/**
 * Nodes started together on one PostgreSQL would otherwise race to create the same tables (and the same first
 * admin and default tenant): each takes a session-level advisory lock for its start-up work, so they run one
 * after the other and the later ones find nothing to do. SQLite is one file of one process.
 */
export async function withStartupLock<T>(db: Db, work: () => Promise<T>): Promise<T> {
  if (db.dialect !== "postgres") return work();
  return db.kysely.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}
