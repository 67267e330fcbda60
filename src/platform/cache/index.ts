/**
 * createCache(): the process-wide cache — Redis when a URL is configured, else the in-process LRU — wrapped so
 * that it degrades instead of failing and records per-namespace statistics (managed.ts). With Redis and a
 * database, the invalidations Redis could not take are kept in the database (invalidations-db.ts), so that every
 * node sharing both honours them and a restart does not forget them.
 */
import type { Db } from "../db/index.ts";
import type { Logger } from "../logger.ts";
import { type AppCache, createManagedCache, namespaced } from "./managed.ts";
import { createCacheStats } from "./stats.ts";

export type { AppCache } from "./managed.ts";
export type { Cache, CacheInfo } from "./port.ts";
export { type NamespaceStats, namespaceOf } from "./stats.ts";

export interface CacheOptions {
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  readonly keyPrefix: string;
  /** Bounds of the in-process LRU (ignored with Redis). */
  readonly maxEntries?: number;
  readonly maxBytes?: number;
  readonly logger: Logger;
  /** Where invalidations that Redis could not take are recorded (with Redis only); start() the cache to follow them. */
  readonly db?: Db;
  /** The database's URL, for the LISTEN connection on PostgreSQL. */
  readonly databaseUrl?: string | undefined;
}

export async function createCache(options: CacheOptions): Promise<AppCache> {
  const { logger } = options;
  const stats = createCacheStats();
  if (options.redisUrl) {
    const { createRedisCache } = await import("./redis.ts");
    let lastLogAt = 0;
    const store = await createRedisCache(options.redisUrl, {
      // The client retries every few hundred ms during an outage; one line per 30 s is enough to see it.
      onConnectionError: (error) => {
        if (Date.now() - lastLogAt < 30_000) return;
        lastLogAt = Date.now();
        logger.warn({ err: error }, "redis connection problem; reconnecting");
      },
    });
    const { createDbInvalidationLog } = await import("./invalidations-db.ts");
    const invalidations = options.db
      ? createDbInvalidationLog({ db: options.db, databaseUrl: options.databaseUrl, logger })
      : undefined;
    return createManagedCache(namespaced(store, options.keyPrefix), {
      logger,
      stats,
      ...(invalidations ? { invalidations } : {}),
    });
  }
  const { createMemoryCache } = await import("./memory.ts");
  const store = createMemoryCache({
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    onEvict: (key) => stats.evicted(key),
  });
  return createManagedCache(store, { logger, stats });
}
