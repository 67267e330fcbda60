/**
 * The cache port: the operations better-auth's `secondaryStorage` needs, which are also all our own caches
 * need, plus the few that operating the cache needs (TTL, scan, server figures). TTLs are in seconds, as
 * better-auth passes them.
 */
export interface Cache {
  readonly driver: "memory" | "redis";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically read and remove a value (one-time tokens). */
  getAndDelete(key: string): Promise<string | null>;
  /** Atomically add one; a new key starts at 1 and expires ttlSeconds after its creation. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Milliseconds until the key expires; null when it does not exist or never expires. */
  ttl(key: string): Promise<number | null>;
  /** Remove every key that starts with prefix. */
  clear(prefix: string): Promise<number>;
  /** Keys that start with prefix, at most `limit` of them (`complete` says whether that was all). */
  scan(prefix: string, limit: number): Promise<{ keys: string[]; complete: boolean }>;
  /** Figures of the store as a whole (not per key prefix); null where the driver has none. */
  info(): Promise<CacheInfo>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CacheInfo {
  /** Entries evicted for lack of room since start (LRU bound or Redis maxmemory policy). */
  readonly evictions: number | null;
  readonly memoryBytes: number | null;
}
