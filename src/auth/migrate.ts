/** Schema migrations at start-up: better-auth's tables and columns first, then Gatehouse's own. */
import { getMigrations } from "better-auth/db/migration";
import type { Db } from "../platform/db/index.ts";
import { runOwnMigrations } from "../platform/db/migrations.ts";
import type { Auth } from "./index.ts";

/** Brings the schema up to date (run it inside `withStartupLock`, src/platform/db/migrate.ts). */
export async function migrate(auth: Auth, db: Db): Promise<void> {
  // better-auth's migrator reads the connection from a `{ db, type }` database option, not from the guarded
  // adapter factory createAuth passes (src/auth/last-owner-guard.ts).
  const { runMigrations } = await getMigrations({
    ...auth.options,
    database: { db: db.kysely, type: db.dialect },
  });
  await runMigrations();
  await runOwnMigrations(db.kysely, db.dialect);
}
