/**
 * In-process cache for a single node: an LRU bounded both in entries and in (approximate) bytes, with a TTL
 * per entry.
 */
import type { Cache } from "./port.ts";

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

export interface MemoryCacheOptions {
  /** Enough for the sessions and rate-limit counters of a busy single node. */
  readonly maxEntries?: number;
  /** A session entry is 1–2 KB; 64 MiB keeps a full cache well below a small container's memory. */
  readonly maxBytes?: number;
  readonly now?: () => number;
  /** Told about every entry dropped for lack of room (not about expiries), for the eviction metrics. */
  readonly onEvict?: (key: string) => void;
}

export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

// Entries that expire unread (rate-limit windows of one-off client addresses, abandoned codes) would otherwise
// stay until the LRU pushes them out, so a long-running node held memory up to the bound with dead entries. Once
// a minute, on a write, every expired entry is dropped: a scan of the whole map (100k entries by default) takes
// a few milliseconds.
const SWEEP_INTERVAL_MS = 60_000;

// JavaScript strings are UTF-16; the Map and entry object add a roughly constant overhead per entry.
const ENTRY_OVERHEAD_BYTES = 64;
const sizeOf = (key: string, value: string) => (key.length + value.length) * 2 + ENTRY_OVERHEAD_BYTES;

export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order, so re-inserting on read makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let evictions = 0;
  let nextSweepAt = now() + SWEEP_INTERVAL_MS;

  function remove(key: string): boolean {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    bytes -= entry.bytes;
    return true;
  }

  function read(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      remove(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  }

  function sweepExpired(): void {
    const at = now();
    if (at < nextSweepAt) return;
    nextSweepAt = at + SWEEP_INTERVAL_MS;
    for (const [key, entry] of entries) if (entry.expiresAt <= at) remove(key);
  }

  function write(key: string, value: string, ttlSeconds?: number): Entry {
    sweepExpired();
    remove(key);
    const entry = {
      value,
      expiresAt: ttlSeconds && ttlSeconds > 0 ? now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY,
      bytes: sizeOf(key, value),
    };
    entries.set(key, entry);
    bytes += entry.bytes;
    while (entries.size > maxEntries || (bytes > maxBytes && entries.size > 1)) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined || oldest === key) break;
      remove(oldest);
      evictions++;
      options.onEvict?.(oldest);
    }
    return entry;
  }

  return {
    driver: "memory",
    get: async (key) => read(key)?.value ?? null,
    set: async (key, value, ttlSeconds) => {
      write(key, value, ttlSeconds);
    },
    delete: async (key) => {
      remove(key);
    },
    getAndDelete: async (key) => {
      const value = read(key)?.value ?? null;
      remove(key);
      return value;
    },
    increment: async (key, ttlSeconds) => {
      const entry = read(key);
      if (!entry) {
        write(key, "1", ttlSeconds);
        return 1;
      }
      const next = (Number(entry.value) || 0) + 1;
      entry.value = String(next);
      return next;
    },
    ttl: async (key) => {
      const entry = read(key);
      if (!entry || entry.expiresAt === Number.POSITIVE_INFINITY) return null;
      return Math.max(0, entry.expiresAt - now());
    },
    clear: async (prefix) => {
      let removed = 0;
      for (const key of [...entries.keys()]) {
        if (key.startsWith(prefix) && remove(key)) removed++;
      }
      return removed;
    },
    scan: async (prefix, limit) => {
      const keys: string[] = [];
      const at = now();
      for (const [key, entry] of entries) {
        if (!key.startsWith(prefix) || entry.expiresAt <= at) continue;
        if (keys.length >= limit) return { keys, complete: false };
        keys.push(key);
      }
      return { keys, complete: true };
    },
    info: async () => ({ evictions, memoryBytes: bytes }),
    ping: async () => {},
    close: async () => {
      entries.clear();
      bytes = 0;
    },
  };
}
