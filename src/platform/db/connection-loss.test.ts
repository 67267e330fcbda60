/**
 * A PostgreSQL connection lost while it is checked out (a server restart terminates it: 57P01, or ECONNRESET)
 * must not crash the process: pg emits that error on the client, not on the pool, and an EventEmitter error
 * without a listener is thrown. That connection's next query fails; the next one gets a fresh connection. Runs with
 * TEST_DATABASE_URL (PostgreSQL); SQLite has no connection to lose.
 */
import { describe, expect, it } from "bun:test";
import { sql } from "kysely";
import { createDb, type Db } from "./index.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const PG_ONLY = { databaseUrl: pgUrl, databaseSchema: undefined, dataDir: "" };

describe("a PostgreSQL connection lost while checked out (PostgreSQL only: runs with TEST_DATABASE_URL)", () => {
  it.skipIf(!pgUrl)(
    "fails that connection's next query, keeps the process up and serves the next one",
    async () => {
      const db: Db = await createDb(PG_ONLY);
      const admin = await createDb(PG_ONLY);
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on("uncaughtException", onUncaught);
      try {
        const inFlight = db.kysely.connection().execute(async (connection) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(connection);
          // What `pg_ctl restart -m fast` does to every connection: terminate it from the server side — here while
          // the connection is checked out between two queries (inside a unit of work), where no query catches it.
          await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(admin.kysely);
          await Bun.sleep(300);
          return sql`select 1`.execute(connection);
        });
        await expect(inFlight).rejects.toThrow();
        // Give a listener-less client error the turn in which it would have been thrown.
        await Bun.sleep(200);
        expect(uncaught).toEqual([]);
        const after = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
        expect(after.rows[0]?.one).toBe(1);
      } finally {
        process.off("uncaughtException", onUncaught);
        await db.close();
        await admin.close();
      }
    },
  );
});
