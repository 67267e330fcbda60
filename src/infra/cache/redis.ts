/** Redis-backed cache shared by every Gatehouse node. */
import Redis from "ioredis";
import type { Cache } from "./port.ts";

// A cache read that takes longer than this is treated as failed: sign-in must not wait on a sick Redis.
const COMMAND_TIMEOUT_MS = 500;

// INCR and EXPIRE in one step, so a counter can never be left without its TTL.
const INCREMENT_SCRIPT = `
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return value`;

export async function createRedisCache(url: string): Promise<Cache> {
  const redis = new Redis(url, {
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // Fail fast while disconnected instead of queueing requests behind an outage; reconnects by itself.
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  redis.on("error", () => {
    // Connection errors surface as failed commands; the client keeps reconnecting on its own.
  });
  await redis.connect();

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
    clear: async (prefix) => {
      let removed = 0;
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length > 0) removed += await redis.del(...keys);
      } while (cursor !== "0");
      return removed;
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
