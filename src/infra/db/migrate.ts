/** Brings the schema up to date: better-auth's tables and columns first, then Gatehouse's own. */
import { getMigrations } from "better-auth/db/migration";
import type { Auth } from "../../auth/index.ts";
import type { Db } from "./index.ts";
import { runOwnMigrations } from "./migrations.ts";

export async function migrate(auth: Auth, db: Db): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  await runOwnMigrations(db.kysely, db.dialect);
}
