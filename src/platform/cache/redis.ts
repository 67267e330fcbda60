/** Redis-backed cache shared by every Gatehouse node. */
import Redis from "ioredis";
import type { Cache } from "./port.ts";

// A cache command that takes longer than this is treated as failed: sign-in must not wait on a sick Redis.
const COMMAND_TIMEOUT_MS = 500;
// Bounded so that a dead host is noticed quickly at start-up; the client keeps retrying in the background.
const CONNECT_TIMEOUT_MS = 2000;
// SCAN batch: large enough for few round trips, small enough not to block Redis noticeably.
const SCAN_COUNT = 500;

// INCR and EXPIRE in one step, so a counter can never be left without its TTL.
const INCREMENT_SCRIPT = `
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return value`;

export interface RedisCacheOptions {
  /** Told about connection problems (the client reconnects by itself; the caller decides how loudly to log). */
  readonly onConnectionError?: (error: Error) => void;
}

export async function createRedisCache(url: string, options: RedisCacheOptions = {}): Promise<Cache> {
  const redis = new Redis(url, {
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // Fail fast while disconnected instead of queueing requests behind an outage; reconnects by itself.
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on("error", (error: Error) => options.onConnectionError?.(error));
  // A Redis that is down at start-up must not keep the node from serving: the cache degrades to the database
  // until the client's own reconnection succeeds.
  await redis.connect().catch((error: unknown) => {
    options.onConnectionError?.(error instanceof Error ? error : new Error(String(error)));
  });

  async function scan(prefix: string, limit: number): Promise<{ keys: string[]; complete: boolean }> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", SCAN_COUNT);
      cursor = next;
      for (const key of batch) {
        if (keys.length >= limit) return { keys, complete: false };
        keys.push(key);
      }
    } while (cursor !== "0");
    return { keys, complete: true };
  }

  return {
    driver: "redis",
    get: (key) => redis.get(key),
    set: async (key, value, ttlSeconds) => {
      if (ttlSeconds && ttlSeconds > 0) await redis.set(key, value, "EX", Math.ceil(ttlSeconds));
      else await redis.set(key, value);
    },
    delete: async (key) => {
      await redis.del(key);
    },
    getAndDelete: (key) => redis.getdel(key),
    increment: async (key, ttlSeconds) =>
      Number(await redis.eval(INCREMENT_SCRIPT, 1, key, String(Math.max(1, Math.ceil(ttlSeconds))))),
    ttl: async (key) => {
      const ms = await redis.pttl(key);
      return ms >= 0 ? ms : null;
    },
    clear: async (prefix) => {
      let removed = 0;
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", SCAN_COUNT);
        cursor = next;
        if (keys.length > 0) removed += await redis.del(...keys);
      } while (cursor !== "0");
      return removed;
    },
    scan,
    info: async () => {
      const text = await redis.info();
      return { evictions: infoField(text, "evicted_keys"), memoryBytes: infoField(text, "used_memory") };
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/** A key prefix is literal text; SCAN MATCH would read `*?[]\` in it as a pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

function infoField(text: string, name: string): number | null {
  const match = new RegExp(`^${name}:(\\d+)`, "m").exec(text);
  return match?.[1] ? Number(match[1]) : null;
}
