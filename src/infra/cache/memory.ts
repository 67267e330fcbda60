/** In-process cache for a single node: an LRU bounded in entries, with a TTL per entry. */
import type { Cache } from "./port.ts";

interface Entry {
  value: string;
  expiresAt: number;
}

// Enough for the sessions and rate-limit counters of a busy single node; an LRU keeps memory bounded beyond it.
const DEFAULT_MAX_ENTRIES = 100_000;

export function createMemoryCache(maxEntries = DEFAULT_MAX_ENTRIES, now: () => number = Date.now): Cache {
  // A Map iterates in insertion order, so re-inserting on read makes the first key the least recently used.
  const entries = new Map<string, Entry>();

  function read(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  }

  function write(key: string, value: string, ttlSeconds?: number): Entry {
    const entry = { value, expiresAt: ttlSeconds && ttlSeconds > 0 ? now() + ttlSeconds * 1000 : Infinity };
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
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
      entries.delete(key);
    },
    getAndDelete: async (key) => {
      const value = read(key)?.value ?? null;
      entries.delete(key);
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
    clear: async (prefix) => {
      let removed = 0;
      for (const key of [...entries.keys()]) {
        if (key.startsWith(prefix)) {
          entries.delete(key);
          removed++;
        }
      }
      return removed;
    },
    ping: async () => {},
    close: async () => {
      entries.clear();
    },
  };
}
