/**
 * Deletes rows that only ever pile up: expired sessions and expired verifications (e-mail links, reset links,
 * one-time codes). better-auth never treats them as live again, but never deletes most of them either, so
 * without this the tables (and every scan of a user's sessions) grow for as long as the server runs.
 *
 * Every CLEANUP_INTERVAL_SECONDS, in batches of CLEANUP_BATCH rows with a pause between them, so that requests
 * are never held up for long (bun:sqlite runs each statement on the event loop). With several nodes on one
 * PostgreSQL, one pass runs at a time: a pass takes a session-level advisory lock without waiting, and a node
 * that does not get it skips its turn (running twice would be harmless, only wasted work). One log line per
 * pass that deleted anything, with the counts.
 *
 * The cache needs no such pass: every session and verification entry there carries its own TTL.
 */
import { sql } from "kysely";
import type { Logger } from "../logger.ts";
import type { Db } from "./index.ts";
import { dateParam } from "./values.ts";

/** What a pass deletes: tables whose rows are dead once `column` (a timestamp) is in the past. */
const EXPIRING: readonly { readonly table: string; readonly column: string }[] = [
  { table: "session", column: "expiresAt" },
  { table: "verification", column: "expiresAt" },
];

// 1000 rows is one short statement on either database (milliseconds), small enough that a request waiting
// behind it does not notice, large enough that a backlog of millions clears within one pass.
const CLEANUP_BATCH = 1000;
// A pause between batches lets waiting requests in, however long the backlog is.
const BATCH_PAUSE_MS = 10;
// Any fixed number works; it has to be the same on every node and differ from the migrations' lock.
const CLEANUP_LOCK_KEY = 7_301_446_106;

export type CleanupCounts = Record<string, number>;

export interface Cleanup {
  /** One pass now: deletes every expired row, batch by batch; resolves with the count per table. */
  runOnce(): Promise<CleanupCounts>;
  /** Passes every `intervalSeconds` from now on (nothing when 0). */
  start(): void;
  /** No new pass; a running one stops after its current batch. */
  stop(): Promise<void>;
}

export function createCleanup(options: { db: Db; logger: Logger; intervalSeconds: number }): Cleanup {
  const { db, logger, intervalSeconds } = options;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  let running: Promise<CleanupCounts> | undefined;

  async function deleteExpired(executor: Db["kysely"], table: string, column: string): Promise<number> {
    let total = 0;
    for (;;) {
      if (stopped) return total;
      const now = dateParam(db.dialect, new Date());
      // Portable batching: SQLite's DELETE … LIMIT is a compile-time option, PostgreSQL has none.
      const result = await sql`delete from ${sql.table(table)} where "id" in (
          select "id" from ${sql.table(table)} where ${sql.ref(column)} < ${now} limit ${CLEANUP_BATCH})`.execute(
        executor,
      );
      const deleted = Number(result.numAffectedRows ?? 0);
      total += deleted;
      if (deleted < CLEANUP_BATCH) return total;
      await Bun.sleep(BATCH_PAUSE_MS);
    }
  }

  async function pass(executor: Db["kysely"]): Promise<CleanupCounts> {
    const counts: CleanupCounts = {};
    for (const { table, column } of EXPIRING) counts[table] = await deleteExpired(executor, table, column);
    if (Object.values(counts).some((count) => count > 0))
      logger.info({ deleted: counts }, "expired rows deleted");
    return counts;
  }

  async function runLocked(): Promise<CleanupCounts> {
    if (db.dialect !== "postgres") return pass(db.kysely);
    return db.kysely.connection().execute(async (connection) => {
      const lock = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${CLEANUP_LOCK_KEY}) as locked`.execute(connection);
      if (!lock.rows[0]?.locked) return {};
      try {
        return await pass(connection);
      } finally {
        await sql`select pg_advisory_unlock(${CLEANUP_LOCK_KEY})`.execute(connection);
      }
    });
  }

  function runOnce(): Promise<CleanupCounts> {
    // Passes never overlap on one node: a tick that finds one running waits for it.
    running ??= runLocked().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    runOnce,
    start() {
      if (intervalSeconds <= 0 || timer) return;
      timer = setInterval(() => {
        runOnce().catch((error: unknown) => logger.error({ err: error }, "cleanup of expired rows failed"));
      }, intervalSeconds * 1000);
      // The schedule alone must not keep the process alive.
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
