/**
 * The one rate-limit store: a counter per client IP and path in the cache (`rl:` namespace), so every node
 * sharing a Redis shares the counts. better-auth uses it as `rateLimit.customStorage`; Gatehouse's own routes
 * use it through the plugin in index.ts, with the same `${ip}|${path}` key scheme.
 */
import type { Cache } from "./index.ts";

export interface RateLimitRule {
  /** Seconds. */
  readonly window: number;
  readonly max: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Seconds until the window frees up (when refused). */
  readonly retryAfter: number | null;
}

export interface RateLimitStore {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}

export const RATE_LIMIT_NAMESPACE = "rl";

/** better-auth's own key scheme (`createRateLimitKey`), used for our routes too. */
export const rateLimitKey = (ip: string, path: string) => `${ip}|${path}`;

export function createRateLimitStore(cache: Cache): RateLimitStore {
  return {
    async consume(key, rule) {
      const cacheKey = `${RATE_LIMIT_NAMESPACE}:${key}`;
      // A fixed window that starts with the first request: INCR + EXPIRE in one atomic step (see the cache).
      const count = await cache.increment(cacheKey, rule.window);
      if (count <= rule.max) return { allowed: true, retryAfter: null };
      const ms = await cache.ttl(cacheKey);
      return { allowed: false, retryAfter: ms === null ? rule.window : Math.max(1, Math.ceil(ms / 1000)) };
    },
  };
}
