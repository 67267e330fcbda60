/** The start-up lock under which every node runs its migrations (src/auth/migrate.ts) and first-run work. */
import { sql } from "kysely";
import type { Db } from "./index.ts";

// Any fixed number works; it only has to be the same on every node (it names "Gatehouse's migrations").
const MIGRATION_LOCK_KEY = 7_301_446_105;

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
