/**
 * The cache port: the operations better-auth's `secondaryStorage` needs, which are also all our own caches
 * need. TTLs are in seconds, as better-auth passes them.
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
  /** Remove every key that starts with prefix. */
  clear(prefix: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
