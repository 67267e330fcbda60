/**
 * The invalidation log in the database (table `cache_invalidation`, migration 006 in
 * src/platform/db/migrations.ts): a sign-out, ban or password change on a node that cannot reach Redis must
 * not leave the revoked session valid in Redis for the other nodes, nor be forgotten when this node restarts.
 *
 * - `record` inserts the row (and, on PostgreSQL, NOTIFYs every node in the same transaction) before the
 *   request that caused it is answered. better-auth removes cache entries outside its own transactions (before
 *   the row delete on sign-out, after commit for "all sessions of a user"), so the row cannot share the
 *   transaction of the change itself; it is written synchronously and durably before the answer instead.
 * - Every node keeps a view of the outstanding rows in memory (invalidations.ts), fed by LISTEN for prompt
 *   delivery and by a poll every POLL_MS as the backstop (and the only channel on SQLite, which is one node).
 *   A read of a key in the view is a miss (or, for a revocation marker, at least the recorded time), so a node
 *   that still reaches Redis refuses a revoked session from the moment the notification arrives — before it has
 *   removed the key from Redis. Any node that can reach Redis applies the rows and deletes them (managed.ts).
 * - For a revocation, the recording node then waits, up to DRAIN_WAIT_MS, for some node to report the row
 *   drained, so that when
 *   the client hears "signed out" the key is already gone from Redis: the client's next request to another node
 *   is refused whether or not that node's notification has arrived yet.
 *
 * The window that remains: when no node drains within DRAIN_WAIT_MS (every node cut off from Redis, or the
 * others slow), another node that reads Redis accepts the revoked session until its notification arrives
 * (normally within milliseconds of the commit) or, with the notification lost, until its next poll (POLL_MS).
 */
import { createHash, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type pg from "pg";
import type { Db } from "../db/index.ts";
import { dateParam } from "../db/values.ts";
import type { Logger } from "../logger.ts";
import {
  createInvalidationView,
  type Invalidation,
  type InvalidationKind,
  type InvalidationLog,
  MAX_OUTSTANDING,
} from "./invalidations.ts";

const TABLE = "cache_invalidation";
// The backstop for a lost notification (and the only channel on SQLite): short enough that a node that missed
// one refuses within half a second; one cheap query of a (normally empty) table per node and interval.
const POLL_MS = 500;
// One poll interval plus a drain's round trips: enough for another node to apply the rows even when it learns
// of them only by polling. Spent only while this node cannot reach Redis and nobody drains (every node cut off).
const DRAIN_WAIT_MS = 600;
// A lost LISTEN connection is retried this often; the poll covers the gap.
const LISTEN_RETRY_MS = 1000;
// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more: above this, nodes are told to re-read the table.
const PAYLOAD_MAX = 7000;
// Rows deleted per statement, well under the bound parameter limits of both databases.
const DELETE_CHUNK = 500;
// One warning per this interval while the database cannot be read, however many polls fail.
const LOG_INTERVAL_MS = 30_000;

export interface DbInvalidationLogOptions {
  readonly db: Db;
  /** PostgreSQL's URL, for the LISTEN connection (absent on SQLite). */
  readonly databaseUrl?: string | undefined;
  readonly logger: Logger;
}

interface Row {
  id: string;
  key: string;
  kind: string;
  value: string | null;
  ttlSeconds: number | string | null;
}

type Message = { a: Invalidation[] } | { d: string[] } | { r: 1 };

export function createDbInvalidationLog(options: DbInvalidationLogOptions): InvalidationLog {
  const { db, logger } = options;
  const view = createInvalidationView();
  const listeners: Array<() => void> = [];
  /** Recorded but not (yet) in the table: before start(), or the insert failed. Kept in the view meanwhile. */
  const unsaved = new Map<string, Invalidation>();
  /** Being inserted now: a poll that cannot see them yet must not take them for drained. */
  const inserting = new Set<string>();
  const waiters = new Map<string, Set<() => void>>();
  let channel: string | undefined;
  let listener: pg.Client | undefined;
  let listening = false;
  let started = false;
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let polling: Promise<void> | undefined;
  let lastWarnAt = 0;

  function warn(error: unknown, message: string): void {
    if (Date.now() - lastWarnAt < LOG_INTERVAL_MS) return;
    lastWarnAt = Date.now();
    logger.warn({ err: error }, message);
  }

  function arrived(): void {
    for (const listener of listeners) listener();
  }

  function settleWaiters(): void {
    for (const [id, resolves] of waiters) {
      if (view.has(id)) continue;
      waiters.delete(id);
      for (const resolve of resolves) resolve();
    }
  }

  function waitDrained(id: string): Promise<void> {
    if (!view.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        waiters.get(id)?.delete(done);
        resolve();
      };
      const timeout = setTimeout(done, DRAIN_WAIT_MS);
      const set = waiters.get(id) ?? new Set();
      set.add(done);
      waiters.set(id, set);
    });
  }

  async function notify(executor: Db["kysely"], message: Message): Promise<void> {
    if (!channel) return;
    let payload = JSON.stringify(message);
    if (payload.length > PAYLOAD_MAX) payload = JSON.stringify({ r: 1 });
    await sql`select pg_notify(${channel}, ${payload})`.execute(executor);
  }

  async function insert(invalidation: Invalidation): Promise<void> {
    const row = { ...invalidation, createdAt: dateParam(db.dialect, new Date()) };
    if (db.dialect !== "postgres") {
      await db.kysely.insertInto(TABLE).values(row).execute();
      return;
    }
    await db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto(TABLE).values(row).execute();
      await notify(trx, { a: [invalidation] });
    });
  }

  async function saveUnsaved(): Promise<void> {
    for (const [id, invalidation] of [...unsaved]) {
      await insert(invalidation);
      unsaved.delete(id);
    }
  }

  async function refreshOnce(): Promise<void> {
    if (unsaved.size > 0) await saveUnsaved();
    const since = view.mark();
    // Taken before the read: an insert still under way now may commit after the read has looked.
    const ids = new Set<string>([...unsaved.keys(), ...inserting]);
    const rows = (await db.kysely
      .selectFrom(TABLE)
      .select(["id", "key", "kind", "value", "ttlSeconds"])
      .limit(MAX_OUTSTANDING + 1)
      .execute()) as Row[];
    let added = 0;
    for (const row of rows) {
      ids.add(row.id);
      if (view.add(fromRow(row))) added++;
    }
    view.retainOnly(ids, since);
    view.setOverflow(rows.length > MAX_OUTSTANDING);
    settleWaiters();
    if (added > 0 || view.flooded()) arrived();
  }

  function refresh(): Promise<void> {
    polling ??= refreshOnce()
      .catch((error: unknown) => warn(error, "outstanding cache invalidations could not be read"))
      .finally(() => {
        polling = undefined;
      });
    return polling;
  }

  function onMessage(payload: string | undefined): void {
    let message: Message;
    try {
      message = JSON.parse(payload ?? "") as Message;
    } catch {
      void refresh();
      return;
    }
    if (typeof message !== "object" || message === null) {
      void refresh();
      return;
    }
    // Anything else on the channel (another version, a hand-made NOTIFY) is only a reason to re-read the table.
    if ("a" in message && Array.isArray(message.a) && message.a.every(isInvalidation)) {
      for (const invalidation of message.a) view.add(invalidation);
      arrived();
    } else if (
      "d" in message &&
      Array.isArray(message.d) &&
      message.d.every((id) => typeof id === "string")
    ) {
      view.remove(message.d);
      settleWaiters();
    } else {
      void refresh();
    }
  }

  async function listen(url: string): Promise<void> {
    if (closed || !channel) return;
    // The driver only where this runs (PostgreSQL): a SQLite node with Redis never loads it.
    const { Client } = (await import("pg")).default;
    if (closed) return;
    const client = new Client({ connectionString: url });
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      listening = false;
      client.end().catch(() => {});
      if (!closed) retry = setTimeout(() => void listen(url), LISTEN_RETRY_MS);
    };
    // Without a listener, an error of this idle connection (a database restart) would be thrown and end the
    // process (src/platform/db/index.ts has the same guard for the pool).
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", (message) => {
      if (message.channel === channel) onMessage(message.payload);
    });
    listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
      listening = true;
      // Whatever was recorded while this connection was down.
      await refresh();
    } catch (error) {
      warn(error, "cannot listen for cache invalidations; polling only");
      lost();
    }
  }

  return {
    async record(entry) {
      const invalidation: Invalidation = {
        id: randomUUID(),
        key: entry.key,
        kind: entry.kind,
        value: entry.value ?? null,
        ttlSeconds: entry.ttlSeconds ?? null,
      };
      // In the view first: this node refuses the key from now on, whatever happens to the insert.
      view.add(invalidation);
      if (!started) {
        unsaved.set(invalidation.id, invalidation);
        return;
      }
      inserting.add(invalidation.id);
      try {
        await insert(invalidation);
      } catch (error) {
        // Not durable: the caller's request must not be answered as if it were (the poll retries the insert).
        unsaved.set(invalidation.id, invalidation);
        throw error;
      } finally {
        inserting.delete(invalidation.id);
      }
      if (entry.confirm && listening) await waitDrained(invalidation.id);
    },
    filter: view.filter,
    outstanding: view.outstanding,
    flooded: view.flooded,
    size: view.size,
    async drained(ids) {
      for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
        const chunk = ids.slice(i, i + DELETE_CHUNK);
        const saved = chunk.filter((id) => !unsaved.has(id));
        for (const id of chunk) unsaved.delete(id);
        if (saved.length === 0) continue;
        if (db.dialect !== "postgres") {
          await db.kysely.deleteFrom(TABLE).where("id", "in", saved).execute();
        } else {
          await db.kysely.transaction().execute(async (trx) => {
            await trx.deleteFrom(TABLE).where("id", "in", saved).execute();
            // Kept well under the NOTIFY payload limit: 36-character ids, a hundred at a time.
            for (let j = 0; j < saved.length; j += 100) await notify(trx, { d: saved.slice(j, j + 100) });
          });
        }
      }
      view.remove(ids);
      settleWaiters();
    },
    onArrival(listener) {
      listeners.push(listener);
    },
    async start() {
      if (started) return;
      started = true;
      if (db.dialect === "postgres") {
        const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely))
          .rows[0]?.schema;
        // NOTIFY channels are per database, schemas share them: one channel per deployment (schema).
        channel = `gatehouse_cache_${createHash("sha256")
          .update(schema ?? "public")
          .digest("hex")
          .slice(0, 16)}`;
      }
      await refreshOnce();
      timer = setInterval(() => void refresh(), POLL_MS);
      timer.unref?.();
      if (options.databaseUrl && channel) await listen(options.databaseUrl);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      clearTimeout(retry);
      await polling;
      const client = listener;
      listener = undefined;
      listening = false;
      await client?.end().catch(() => {});
      for (const id of [...waiters.keys()]) for (const resolve of waiters.get(id) ?? []) resolve();
    },
  };
}

function isInvalidation(value: unknown): value is Invalidation {
  const v = value as Partial<Invalidation> | null;
  return (
    typeof v?.id === "string" &&
    typeof v.key === "string" &&
    (v.kind === "delete" || v.kind === "marker") &&
    (v.value === null || typeof v.value === "string") &&
    (v.ttlSeconds === null || typeof v.ttlSeconds === "number")
  );
}

function fromRow(row: Row): Invalidation {
  const kind: InvalidationKind = row.kind === "marker" ? "marker" : "delete";
  return {
    id: row.id,
    key: row.key,
    kind,
    value: row.value,
    ttlSeconds: row.ttlSeconds === null ? null : Number(row.ttlSeconds),
  };
}
