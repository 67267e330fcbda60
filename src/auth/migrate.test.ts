import { afterEach, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { ADMIN, createTestApp, dropSchema, type TestApp } from "../../test/helpers/test-app.ts";
import type { Db } from "../platform/db/index.ts";
import { ownMigrationNames } from "../platform/db/migrations.ts";

const pgUrl = process.env.TEST_DATABASE_URL;

// Each test starts Gatehouse on a database of its own, changes the schema behind its back, and starts it again.
let dataDir = "";
let schema: string | undefined;
const started: TestApp[] = [];

async function start(): Promise<TestApp> {
  const app = await createTestApp({ reuse: { dataDir, ...(schema ? { schema } : {}) } });
  started.push(app);
  return app;
}

async function stop(app: TestApp): Promise<void> {
  started.splice(started.indexOf(app), 1);
  await app.close();
}

function fresh(): void {
  dataDir = mkdtempSync(join(tmpdir(), "gatehouse-migrate-skip-"));
  schema = pgUrl ? `t_${randomBytes(6).toString("hex")}` : undefined;
}

afterEach(async () => {
  for (const app of started.splice(0)) await app.close();
  if (pgUrl && schema) await dropSchema(pgUrl, schema);
  rmSync(dataDir, { recursive: true, force: true });
});

// Kysely's introspection lists every schema of the PostgreSQL database (other tests' too): ask about this one.
async function hasTable(db: Db, table: string): Promise<boolean> {
  const { rows } =
    db.dialect === "postgres"
      ? await sql`select 1 from information_schema.tables
          where table_schema = current_schema() and table_name = ${table}`.execute(db.kysely)
      : await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db.kysely);
  return rows.length > 0;
}

async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  const { rows } =
    db.dialect === "postgres"
      ? await sql`select 1 from information_schema.columns
          where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`.execute(
          db.kysely,
        )
      : await sql`select 1 from pragma_table_info(${table}) where name = ${column}`.execute(db.kysely);
  return rows.length > 0;
}

describe("start-up migrations", () => {
  it("run a migration of ours that the database has not recorded, though the schema was recorded current", async () => {
    fresh();
    const first = await start();
    const names = ownMigrationNames(first.deps.db.dialect);
    const last = names.at(-1) ?? "";
    // A database migrated by the build before the last migration existed (every migration is idempotent: it
    // runs again over what it finds).
    await sql`delete from gatehouse_migration where name = ${last}`.execute(first.deps.db.kysely);
    await stop(first);

    const second = await start();
    const { rows } = await sql<{ name: string }>`select name from gatehouse_migration`.execute(
      second.deps.db.kysely,
    );
    expect(rows.map((row) => row.name).sort()).toEqual([...names].sort());
  });

  it("run better-auth's migrator when its schema is not the one recorded (another version or plugin set)", async () => {
    fresh();
    const first = await start();
    // The database of a build whose better-auth had no `banReason` column yet.
    await sql`alter table "user" drop column "banReason"`.execute(first.deps.db.kysely);
    await sql`update gatehouse_schema_state set fingerprint = 'an older schema'`.execute(
      first.deps.db.kysely,
    );
    await stop(first);

    const second = await start();
    expect(await hasColumn(second.deps.db, "user", "banReason")).toBe(true);
    // And the server works on it: the admin signs in.
    expect(await second.signIn(ADMIN.email, ADMIN.password)).toBeString();
  });

  it("skip the migrators when the recorded schema is this build's, and run them when it is not", async () => {
    fresh();
    const first = await start();
    // Kysely's migrator creates its lock table whenever it runs: gone, it tells whether the migrators ran.
    await sql`drop table gatehouse_migration_lock`.execute(first.deps.db.kysely);
    await stop(first);

    const second = await start();
    expect(await hasTable(second.deps.db, "gatehouse_migration_lock")).toBe(false);
    // A stale record (another build migrated last): the migrators run.
    await sql`update gatehouse_schema_state set fingerprint = 'an older schema'`.execute(
      second.deps.db.kysely,
    );
    await stop(second);
    const third = await start();
    expect(await hasTable(third.deps.db, "gatehouse_migration_lock")).toBe(true);
  });

  it("record the schema on the first start of an empty database", async () => {
    fresh();
    const first = await start();
    const { rows } = await sql<{
      fingerprint: string;
    }>`select fingerprint from gatehouse_schema_state`.execute(first.deps.db.kysely);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
