/**
 * preparedQuery (prepared.ts): compiled once, each run gets its own values in their places, values fixed at
 * compilation stay, and a run inside a transaction is part of it. On SQLite, and on PostgreSQL (a fresh schema)
 * with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { dropSchema } from "../../../test/helpers/test-app.ts";
import { createDb, type Db } from "./index.ts";
import { preparedQuery } from "./prepared.ts";
import { withTransactionScope } from "./transaction-scope.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const schema = pgUrl ? `t_${randomBytes(6).toString("hex")}` : undefined;
const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-prepared-"));
let db: Db;

beforeAll(async () => {
  db = withTransactionScope(await createDb({ databaseUrl: pgUrl, databaseSchema: schema, dataDir }));
  await sql`create table pet (name text primary key, kind text not null, age integer not null)`.execute(
    db.kysely,
  );
  await db.kysely
    .insertInto("pet")
    .values([
      { name: "ada", kind: "cat", age: 3 },
      { name: "bob", kind: "dog", age: 5 },
      { name: "cy", kind: "cat", age: 7 },
    ])
    .execute();
});

afterAll(async () => {
  await db.close();
  if (pgUrl && schema) await dropSchema(pgUrl, schema);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("preparedQuery", () => {
  it("runs with each call's values, in the order of param(i), keeping the values fixed at compilation", async () => {
    const olderOfKind = preparedQuery<{ name: string }>(db, (kysely, param) =>
      kysely
        .selectFrom("pet")
        .select("name")
        .where("age", ">", param(1))
        .where("kind", "=", param(0))
        .orderBy("name")
        .limit(1),
    );
    expect(await olderOfKind("cat", 2)).toEqual([{ name: "ada" }]);
    expect(await olderOfKind("cat", 4)).toEqual([{ name: "cy" }]);
    expect(await olderOfKind("dog", 4)).toEqual([{ name: "bob" }]);
    expect(await olderOfKind("cat", 9)).toEqual([]);
  });

  it("takes the same value in two places", async () => {
    const named = preparedQuery<{ name: string }>(db, (kysely, param) =>
      kysely
        .selectFrom("pet")
        .select("name")
        .where((eb) => eb.or([eb("name", "=", param(0)), eb("kind", "=", param(0))]))
        .orderBy("name"),
    );
    expect(await named("dog")).toEqual([{ name: "bob" }]);
    expect(await named("cy")).toEqual([{ name: "cy" }]);
  });

  it("is part of the transaction it runs in", async () => {
    const kinds = preparedQuery<{ kind: string }>(db, (kysely, param) =>
      kysely.selectFrom("pet").select("kind").where("name", "=", param(0)),
    );
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto("pet").values({ name: "dot", kind: "owl", age: 1 }).execute();
        // Seen inside (on SQLite it would otherwise wait for the one connection the transaction holds).
        expect(await kinds("dot")).toEqual([{ kind: "owl" }]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await kinds("dot")).toEqual([]);
  });

  it("never reads another request's uncommitted writes", async () => {
    const kinds = preparedQuery<{ kind: string }>(db, (kysely, param) =>
      kysely.selectFrom("pet").select("kind").where("name", "=", param(0)),
    );
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Outside the transaction's async context, as a concurrent request would be.
    const outside = insertedYet.then(() => kinds("eve"));
    const transaction = db.kysely
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("pet").values({ name: "eve", kind: "emu", age: 2 }).execute();
        inserted();
        await held;
        throw new Error("roll back");
      })
      .catch(() => "rolled back");
    await insertedYet;
    await Bun.sleep(20);
    release();
    expect(await transaction).toBe("rolled back");
    expect(await outside).toEqual([]);
  });
});
