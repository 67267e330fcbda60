import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDbAvailability } from "./availability.ts";
import { observedSqlite } from "./observed-driver.ts";

describe("observed SQLite database", () => {
  it("keeps a statement prepared for its SQL text, and its runs still report to availability", () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-observed-"));
    const file = join(dir, "db.sqlite");
    try {
      const writable = new Database(file, { create: true });
      writable.exec("create table t (id integer primary key)");
      writable.close();
      const availability = createDbAvailability();
      const observed = observedSqlite(new Database(file, { readonly: true }), availability);
      const insert = "insert into t (id) values (?)";
      expect(observed.prepare(insert)).toBe(observed.prepare(insert));
      expect(observed.prepare("select count(*) as n from t").get()).toEqual({ n: 0 });
      // The cached statement's failure is the file's: a read-only database refuses writes.
      expect(() => observed.prepare(insert).run(1)).toThrow();
      expect(availability.current()).toMatchObject({ kind: "writes_refused", reason: "read-only" });
      expect(() => observed.prepare(insert).run(2)).toThrow();
      expect(availability.current()?.kind).toBe("writes_refused");
      observed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers statements beyond the cache's room (distinct texts) like any other", () => {
    const observed = observedSqlite(new Database(":memory:"), createDbAvailability());
    for (let i = 0; i < 1200; i++) expect(observed.prepare(`select ${i} as v`).get()).toEqual({ v: i });
    observed.close();
  });
});
