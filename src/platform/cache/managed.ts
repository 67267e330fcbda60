/**
 * The cache every part of Gatehouse uses: the store (Redis or the in-process LRU) behind two guarantees.
 *
 * - It degrades instead of failing. A store error or timeout makes a read a miss and a write a no-op, so
 *   better-auth (with `storeSessionInDatabase`) falls back to the database and sign-in keeps working through a
 *   Redis outage; counters fall back to a per-node memory counter so rate limits still hold. After an error
 *   the store is left alone for OPEN_MS (no request waits on a sick Redis twice in a row).
 * - It never serves what it failed to invalidate. A write or delete that failed may have left an old value in
 *   Redis (a revoked session, a stale user); its key is remembered and deleted before the store is used again.
 *   better-auth's revocation markers (`revoked-sessions-before-<userId>`, set when all of a user's sessions end:
 *   ban, revoke-all, password reset) are the exception: deleting one would un-revoke, so a failed one is
 *   written again instead (keeping the later time), which refuses every cached session created before it.
 *
 * It also records per-namespace statistics (stats.ts). Namespaced views (`namespace("policy")`) are the
 * application caches that POST /cache/clear empties by default.
 */
import type { Logger } from "../logger.ts";
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
}

export interface ManagedCacheOptions {
  readonly logger: Logger;
  readonly stats?: CacheStats;
  readonly now?: () => number;
}

// Long enough that a dead Redis costs one timeout per second, not one per cache call; short enough that the
// cache is back within about a second of Redis.
const OPEN_MS = 1000;
// How often pending invalidations are retried while no request touches the cache.
const FLUSH_INTERVAL_MS = 1000;
// Beyond this many keys to invalidate, the whole deployment prefix is cleared instead on recovery.
const MAX_PENDING = 10_000;
// One warning per this interval while the store is down, however many calls fail.
const LOG_INTERVAL_MS = 30_000;
// The per-node fallback counters only need to cover the rate-limit keys of an outage.
const FALLBACK_MAX_ENTRIES = 50_000;
const NAMESPACE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
// better-auth (internal-adapter): a user's sessions created before this time (ms) are revoked.
const REVOCATION_MARKER = "revoked-sessions-before-";

interface RevocationMarker {
  readonly value: string;
  readonly ttlSeconds: number | undefined;
}

export function createManagedCache(store: Cache, options: ManagedCacheOptions): AppCache {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const stats = options.stats ?? createCacheStats();
  const fallbackCounters = createMemoryCache({ maxEntries: FALLBACK_MAX_ENTRIES });
  const appNamespaces = new Set<string>();
  /** Keys whose last write failed: undefined = delete it, a marker = write it again. */
  const pending = new Map<string, RevocationMarker | undefined>();
  let overflowed = false;
  let up = true;
  let openUntil = 0;
  let lastWarnAt = 0;
  let suppressed = 0;
  let flushing: Promise<void> | undefined;

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
  }

  function remember(key: string, value?: string, ttlSeconds?: number): void {
    if (pending.size >= MAX_PENDING && !pending.has(key)) {
      overflowed = true;
      return;
    }
    const marker =
      key.startsWith(REVOCATION_MARKER) && value !== undefined ? { value, ttlSeconds } : pending.get(key);
    pending.set(key, marker);
  }

  async function flushOnce(): Promise<void> {
    if (overflowed) {
      // Too many unknown stale keys: dropping the whole (re-buildable) cache is the only safe option.
      const removed = await store.clear("");
      logger.warn({ removed }, "cache cleared after an outage with too many pending invalidations");
      overflowed = false;
      pending.clear();
      return;
    }
    for (const [key, marker] of [...pending]) {
      if (marker) {
        const current = Number(await store.get(key)) || 0;
        if (Number(marker.value) > current) await store.set(key, marker.value, marker.ttlSeconds);
      } else {
        await store.delete(key);
      }
      pending.delete(key);
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  const timer = setInterval(() => {
    if ((pending.size === 0 && !overflowed) || now() < openUntil) return;
    flush().then(markUp, markDown);
  }, FLUSH_INTERVAL_MS);
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
      if (pending.size > 0 || overflowed) await flush();
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
        () => store.get(key),
        read,
        () => null,
      ),
    set: (key, value, ttlSeconds) =>
      run(
        key,
        "set",
        () => store.set(key, value, ttlSeconds),
        ok,
        () => remember(key, value, ttlSeconds),
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
        () => store.getAndDelete(key),
        read,
        () => {
          remember(key);
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
