/**
 * db.kysely follows the transaction of its async context (transaction-scope.ts): a query made inside one, by code
 * that only knows `db.kysely`, is part of it — on SQLite it would otherwise wait for the one connection forever —
 * and work queued with afterCommit runs once the transaction commits, never when it rolls back. On SQLite, and
 * on PostgreSQL (a fresh schema) with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { dropSchema } from "../../../test/helpers/test-app.ts";
import { createDb, type Db } from "./index.ts";
import { afterCommit, inTransaction, withTransactionScope } from "./transaction-scope.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const schema = pgUrl ? `t_${randomBytes(6).toString("hex")}` : undefined;
const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-scope-"));
let db: Db;

beforeAll(async () => {
  db = withTransactionScope(await createDb({ databaseUrl: pgUrl, databaseSchema: schema, dataDir }));
  await sql`create table scoped (name text primary key)`.execute(db.kysely);
});

afterAll(async () => {
  await db.close();
  if (pgUrl && schema) await dropSchema(pgUrl, schema);
  rmSync(dataDir, { recursive: true, force: true });
});

/** What code that knows only db.kysely would do, deep inside some hook. */
async function insertThroughDbKysely(name: string): Promise<void> {
  await db.kysely.insertInto("scoped").values({ name }).execute();
}

async function names(): Promise<string[]> {
  const rows = await db.kysely.selectFrom("scoped").select("name").orderBy("name").execute();
  return rows.map((row) => String(row.name));
}

describe(`db.kysely inside a transaction (${pgUrl ? "PostgreSQL" : "SQLite"})`, () => {
  it("sends db.kysely's queries to the transaction: they commit with it and roll back with it", async () => {
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("scoped").values({ name: "committed-a" }).execute();
      await insertThroughDbKysely("committed-b");
    });
    const failed = db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto("scoped").values({ name: "rolled-back-a" }).execute();
      await insertThroughDbKysely("rolled-back-b");
      throw new Error("abort");
    });
    await expect(failed).rejects.toThrow("abort");
    expect(await names()).toEqual(["committed-a", "committed-b"]);
  });

  it("joins a transaction opened inside another instead of failing", async () => {
    const failed = db.kysely.transaction().execute(async () => {
      await db.kysely.transaction().execute(async () => insertThroughDbKysely("joined"));
      expect(inTransaction()).toBe(true);
      throw new Error("abort");
    });
    await expect(failed).rejects.toThrow("abort");
    expect(await names()).not.toContain("joined");
    expect(inTransaction()).toBe(false);
  });

  it("refuses to change the isolation level of a joined transaction, rather than silently not doing it", async () => {
    const nested = db.kysely.transaction().execute(async () => {
      db.kysely.transaction().setIsolationLevel("serializable");
    });
    await expect(nested).rejects.toThrow(/isolation level/);
  });

  it("runs afterCommit work after the commit, outside the transaction, and drops it on a rollback", async () => {
    const seen: string[] = [];
    await db.kysely.transaction().execute(async () => {
      await afterCommit(async () => {
        seen.push(`after commit, in a transaction: ${inTransaction()}`);
        // Outside the committed transaction: the row is visible and a new transaction may open.
        await db.kysely.transaction().execute(async () => insertThroughDbKysely("after-commit"));
      });
      seen.push("inside");
    });
    const failed = db.kysely.transaction().execute(async () => {
      await afterCommit(async () => {
        seen.push("after a rollback");
      });
      throw new Error("abort");
    });
    await expect(failed).rejects.toThrow("abort");
    expect(seen).toEqual(["inside", "after commit, in a transaction: false"]);
    expect(await names()).toContain("after-commit");
  });
});
