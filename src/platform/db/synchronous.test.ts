/**
 * SQLite's commit durability (SQLITE_SYNCHRONOUS): bun:sqlite runs on the event loop, so `full` makes every
 * commit hold the whole process for an fsync; the default is `normal`, which WAL keeps free of corruption.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createDb, type Db } from "./index.ts";

const opened: { db: Db; dir: string }[] = [];

async function open(sqliteSynchronous?: "normal" | "full"): Promise<Db> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-sync-"));
  const db = await createDb({
    databaseUrl: undefined,
    databaseSchema: undefined,
    dataDir: dir,
    sqliteSynchronous,
  });
  opened.push({ db, dir });
  return db;
}

async function synchronous(db: Db): Promise<number> {
  const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db.kysely);
  return Number(rows[0]?.synchronous);
}

afterEach(async () => {
  for (const { db, dir } of opened.splice(0)) {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("SQLite commit durability", () => {
  test("commits do not wait for the disk by default (NORMAL = 1), in WAL mode", async () => {
    const db = await open();
    expect(await synchronous(db)).toBe(1);
    const { rows } = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(db.kysely);
    expect(rows[0]?.journal_mode).toBe("wal");
  });

  test("SQLITE_SYNCHRONOUS=full makes every commit wait for the disk (FULL = 2)", async () => {
    expect(await synchronous(await open("full"))).toBe(2);
  });
});
