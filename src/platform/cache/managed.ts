/**
 * The cache every part of Gatehouse uses: the store (Redis or the in-process LRU) behind two guarantees.
 *
 * - It degrades instead of failing. A store error or timeout makes a read a miss and a write a no-op, so
 *   better-auth (with `storeSessionInDatabase`) falls back to the database and sign-in keeps working through a
 *   Redis outage; counters fall back to a per-node memory counter so rate limits still hold. After an error
 *   the store is left alone for OPEN_MS (no request waits on a sick Redis twice in a row).
 * - It never serves what it failed to invalidate. A write or delete that failed may have left an old value in
 *   Redis (a revoked session, a stale user); it is recorded in the invalidation log (invalidations.ts; with
 *   Redis, the database table of invalidations-db.ts, shared by every node and kept across restarts) before
 *   the call returns. Until some node has applied it, every node takes a read of that key as a miss, and any
 *   node that reaches the store applies and forgets it. better-auth's revocation markers
 *   (`revoked-sessions-before-<userId>`, set when all of a user's sessions end: ban, revoke-all, password
 *   change or reset) are the exception: deleting one would un-revoke, so a failed one is read as at least the
 *   recorded time and written again (keeping the later time), which refuses every cached session created
 *   before it.
 *
 * It also records per-namespace statistics (stats.ts). Namespaced views (`namespace("policy")`) are the
 * application caches that POST /cache/clear empties by default.
 */
import type { Logger } from "../logger.ts";
import { createMemoryInvalidationLog, type InvalidationLog, REVOCATION_MARKER } from "./invalidations.ts";
import { createMemoryCache } from "./memory.ts";
import type { Cache } from "./port.ts";
import { type CacheOp, type CacheOutcome, type CacheStats, createCacheStats } from "./stats.ts";

export interface AppCache extends Cache {
  /** The same store without degradation: errors propagate (health checks, the cache self-test). */
  readonly direct: Cache;
  /** An application cache: keys live under `${name}:`; cleared by POST /cache/clear. */
  namespace(name: string): Cache;
  applicationNamespaces(): readonly string[];
  readonly stats: CacheStats;
  /** False from a store error until the next successful command. */
  available(): boolean;
  /** Loads the invalidations still outstanding (from before a restart) and follows them; after migrations. */
  start(): Promise<void>;
  /** Invalidations not yet applied to the store (this node's view). */
  outstandingInvalidations(): number;
}

export interface ManagedCacheOptions {
  readonly logger: Logger;
  readonly stats?: CacheStats;
  readonly now?: () => number;
  /** Where failed invalidations are kept until applied; in this process's memory unless given. */
  readonly invalidations?: InvalidationLog;
}

// Long enough that a dead Redis costs one timeout per second, not one per cache call; short enough that the
// cache is back within about a second of Redis.
const OPEN_MS = 1000;
// How often outstanding invalidations are retried while nothing else prompts it: within the half second that
// the database log polls at (invalidations-db.ts).
const DRAIN_INTERVAL_MS = 500;
// One warning per this interval while the store is down, however many calls fail.
const LOG_INTERVAL_MS = 30_000;
// The per-node fallback counters only need to cover the rate-limit keys of an outage.
const FALLBACK_MAX_ENTRIES = 50_000;
const NAMESPACE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
// better-auth (internal-adapter): the list of a user's cached sessions, `[{ token, expiresAt }]`.
const ACTIVE_SESSIONS = "active-sessions-";

export function createManagedCache(store: Cache, options: ManagedCacheOptions): AppCache {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const stats = options.stats ?? createCacheStats();
  const fallbackCounters = createMemoryCache({ maxEntries: FALLBACK_MAX_ENTRIES });
  const appNamespaces = new Set<string>();
  const log = options.invalidations ?? createMemoryInvalidationLog();
  let up = true;
  let openUntil = 0;
  let lastWarnAt = 0;
  let suppressed = 0;
  let lastForgetWarnAt = 0;
  let draining: Promise<void> | undefined;

  function markDown(error: unknown): void {
    up = false;
    openUntil = now() + OPEN_MS;
    const at = now();
    if (at - lastWarnAt >= LOG_INTERVAL_MS) {
      logger.warn(
        { err: error, driver: store.driver, suppressed },
        "cache unavailable: reads are misses, writes are skipped (sessions fall back to the database)",
      );
      lastWarnAt = at;
      suppressed = 0;
    } else {
      suppressed++;
    }
  }

  function markUp(): void {
    if (up) return;
    up = true;
    openUntil = 0;
    logger.info({ driver: store.driver }, "cache available again");
    drainSoon();
  }

  /**
   * Durable (with the database log) before it resolves: the caller's change is answered only after. A failed
   * delete or revocation marker is a revocation (a session, a one-time token), confirmed applied before the
   * answer where the log can (invalidations-db.ts); a failed write of a new value (a sign-in during the outage)
   * and the session list (which grants nothing) are only recorded, so they cost no wait.
   */
  function remember(key: string, written?: { value: string; ttlSeconds: number | undefined }): Promise<void> {
    const marker = key.startsWith(REVOCATION_MARKER) && written !== undefined;
    return log.record({
      key,
      kind: marker ? "marker" : "delete",
      ...(marker ? { value: written.value } : {}),
      ...(marker && written.ttlSeconds !== undefined ? { ttlSeconds: written.ttlSeconds } : {}),
      confirm: marker || (written === undefined && !key.startsWith(ACTIVE_SESSIONS)),
    });
  }

  /** Applies the outstanding invalidations to the store; a store error propagates (the store is down). */
  async function applyOnce(): Promise<void> {
    if (log.flooded()) {
      // Too many unknown stale keys: dropping the whole (re-buildable) cache is the only safe option.
      const ids = log.outstanding().flatMap((entry) => entry.ids);
      const removed = await store.clear("");
      logger.warn({ removed }, "cache cleared after an outage with too many pending invalidations");
      await forget(ids);
      return;
    }
    // Markers first: they read the user's session list, which a delete of the same outage may remove.
    const entries = [...log.outstanding()].sort(
      (x, y) => Number(y.kind === "marker") - Number(x.kind === "marker"),
    );
    for (const entry of entries) {
      if (entry.kind === "marker") {
        const current = Number(await store.get(entry.key)) || 0;
        if (Number(entry.value) > current) {
          await store.set(entry.key, entry.value ?? "", entry.ttlSeconds ?? undefined);
        }
        await deleteListedSessions(entry.key.slice(REVOCATION_MARKER.length));
      } else {
        await store.delete(entry.key);
      }
      await forget(entry.ids);
    }
  }

  /**
   * What better-auth itself does when it ends all of a user's sessions (deleteCachedUserSessions in its
   * internal adapter), which the node that failed could not: the cached sessions its list names are removed, so
   * they do not linger in Redis behind the marker. A session of the list made since is only a miss then.
   */
  async function deleteListedSessions(userId: string): Promise<void> {
    const list = await store.get(`${ACTIVE_SESSIONS}${userId}`);
    let references: unknown;
    try {
      references = JSON.parse(list ?? "[]");
    } catch {
      return;
    }
    if (!Array.isArray(references)) return;
    for (const reference of references) {
      const token = (reference as { token?: unknown } | null)?.token;
      if (typeof token === "string" && token) await store.delete(token);
    }
  }

  /** A failure to forget (the database is away) only means the rows are applied again later: harmless. */
  async function forget(ids: readonly string[]): Promise<void> {
    await log.drained(ids).catch((error: unknown) => {
      if (now() - lastForgetWarnAt < LOG_INTERVAL_MS) return;
      lastForgetWarnAt = now();
      logger.warn({ err: error }, "applied cache invalidations could not be marked done; retrying later");
    });
  }

  function drain(): Promise<void> {
    draining ??= applyOnce()
      .then(markUp, markDown)
      .finally(() => {
        draining = undefined;
      });
    return draining;
  }

  function drainSoon(): void {
    if ((log.size() === 0 && !log.flooded()) || now() < openUntil) return;
    void drain();
  }

  log.onArrival(drainSoon);
  const timer = setInterval(drainSoon, DRAIN_INTERVAL_MS);
  timer.unref?.();

  async function run<T>(
    key: string,
    op: CacheOp,
    attempt: () => Promise<T>,
    outcome: (result: T) => CacheOutcome,
    degrade: () => T | Promise<T>,
  ): Promise<T> {
    if (now() < openUntil) {
      stats.record(key, op, "error");
      return degrade();
    }
    const started = performance.now();
    try {
      const result = await attempt();
      markUp();
      stats.record(key, op, outcome(result), performance.now() - started);
      return result;
    } catch (error) {
      markDown(error);
      stats.record(key, op, "error", performance.now() - started);
      return degrade();
    }
  }

  const read = (value: string | null): CacheOutcome => (value === null ? "miss" : "hit");

  const ok = (): CacheOutcome => "ok";

  const cache: AppCache = {
    driver: store.driver,
    direct: store,
    stats,
    get: (key) =>
      run(
        key,
        "get",
        // The one step a read takes for the invalidation log: a look-up in its in-memory view, no query.
        async () => log.filter(key, await store.get(key)),
        read,
        () => null,
      ),
    set: (key, value, ttlSeconds) =>
      run(
        key,
        "set",
        () => store.set(key, value, ttlSeconds),
        ok,
        () => remember(key, { value, ttlSeconds }),
      ),
    delete: (key) =>
      run(
        key,
        "delete",
        () => store.delete(key),
        ok,
        () => remember(key),
      ),
    getAndDelete: (key) =>
      run(
        key,
        "getAndDelete",
        async () => log.filter(key, await store.getAndDelete(key)),
        read,
        async () => {
          await remember(key);
          return null;
        },
      ),
    increment: (key, ttlSeconds) =>
      run(
        key,
        "increment",
        () => store.increment(key, ttlSeconds),
        ok,
        () => fallbackCounters.increment(key, ttlSeconds),
      ),
    ttl: (key) =>
      run(
        key,
        "ttl",
        () => store.ttl(key),
        ok,
        () => fallbackCounters.ttl(key),
      ),
    clear: (prefix) => store.clear(prefix),
    scan: (prefix, limit) => store.scan(prefix, limit),
    info: () => store.info(),
    ping: async () => {
      try {
        await store.ping();
        markUp();
      } catch (error) {
        markDown(error);
        throw error;
      }
    },
    close: async () => {
      clearInterval(timer);
      await draining;
      await log.close();
      await fallbackCounters.close();
      await store.close();
    },
    namespace(name) {
      if (!NAMESPACE_NAME.test(name)) throw new Error(`invalid cache namespace ${JSON.stringify(name)}`);
      appNamespaces.add(name);
      // The view shares the process-wide cache: closing it is the owner's job, not a module's.
      return { ...namespaced(cache, `${name}:`), close: async () => {} };
    },
    applicationNamespaces: () => [...appNamespaces],
    available: () => up,
    start: () => log.start(),
    outstandingInvalidations: () => log.size(),
  };
  return cache;
}

/** A view of a cache with every key under prefix. */
export function namespaced(cache: Cache, prefix: string): Cache {
  return {
    driver: cache.driver,
    get: (key) => cache.get(prefix + key),
    set: (key, value, ttl) => cache.set(prefix + key, value, ttl),
    delete: (key) => cache.delete(prefix + key),
    getAndDelete: (key) => cache.getAndDelete(prefix + key),
    increment: (key, ttl) => cache.increment(prefix + key, ttl),
    ttl: (key) => cache.ttl(prefix + key),
    clear: (p) => cache.clear(prefix + p),
    scan: async (p, limit) => {
      const { keys, complete } = await cache.scan(prefix + p, limit);
      return { keys: keys.map((key) => key.slice(prefix.length)), complete };
    },
    info: () => cache.info(),
    ping: () => cache.ping(),
    close: () => cache.close(),
  };
}
