import type { Cache } from "./port.ts";

export type { Cache } from "./port.ts";

/** Redis when a URL is configured, else the in-process LRU. */
export async function createCache(redisUrl: string | undefined, keyPrefix: string): Promise<Cache> {
  if (redisUrl) {
    const { createRedisCache } = await import("./redis.ts");
    return prefixed(await createRedisCache(redisUrl), keyPrefix);
  }
  const { createMemoryCache } = await import("./memory.ts");
  return createMemoryCache();
}

/** Namespaces every key, so several deployments (or test runs) can share one Redis. */
export function prefixed(cache: Cache, prefix: string): Cache {
  return {
    ...cache,
    get: (key) => cache.get(prefix + key),
    set: (key, value, ttl) => cache.set(prefix + key, value, ttl),
    delete: (key) => cache.delete(prefix + key),
    getAndDelete: (key) => cache.getAndDelete(prefix + key),
    increment: (key, ttl) => cache.increment(prefix + key, ttl),
    clear: (p) => cache.clear(prefix + p),
  };
}
