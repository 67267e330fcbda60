/** Operating the cache: its health, per-namespace metrics, clearing and a self-test. No HTTP here. */
import { randomBytes } from "node:crypto";
import { type AppCache, type NamespaceStats, namespaceOf } from "../../../platform/cache/index.ts";
import { cacheUnavailable } from "./errors.ts";
import type {
  CacheHealth,
  CacheMetrics,
  ClearResult,
  ClearScope,
  NamespaceMetrics,
  TestResult,
  TestStep,
} from "./model.ts";

// Counting keys walks the store (SCAN with Redis); past this many the count is reported as incomplete.
const KEY_COUNT_LIMIT = 100_000;
// Redis commands time out after 500 ms; this bounds a wedged client.
const PING_TIMEOUT_MS = 1000;

export function createCacheService(cache: AppCache) {
  const store = cache.direct;

  async function countKeys(): Promise<{
    byNamespace: Map<string, number>;
    total: number;
    complete: boolean;
  } | null> {
    try {
      const { keys, complete } = await store.scan("", KEY_COUNT_LIMIT);
      const byNamespace = new Map<string, number>();
      for (const key of keys) {
        const name = namespaceOf(key);
        byNamespace.set(name, (byNamespace.get(name) ?? 0) + 1);
      }
      return { byNamespace, total: keys.length, complete };
    } catch {
      return null;
    }
  }

  return {
    async health(): Promise<CacheHealth> {
      const started = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          cache.ping(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("timed out")), PING_TIMEOUT_MS);
          }),
        ]);
        return { status: "ok", driver: cache.driver, latency_ms: round(performance.now() - started) };
      } catch {
        return { status: "down", driver: cache.driver, latency_ms: null };
      } finally {
        clearTimeout(timer);
      }
    },

    async metrics(): Promise<CacheMetrics> {
      const stats = cache.stats.snapshot();
      const keys = await countKeys();
      const info = await store.info().catch(() => null);
      const names = new Set([...Object.keys(stats), ...(keys?.byNamespace.keys() ?? [])]);
      const namespaces: Record<string, NamespaceMetrics> = {};
      const totals = { hits: 0, misses: 0, sets: 0, deletes: 0 };
      for (const name of [...names].sort()) {
        const s = stats[name] ?? EMPTY;
        namespaces[name] = {
          hits: s.hits,
          misses: s.misses,
          hit_rate: s.hitRate === null ? null : round(s.hitRate, 4),
          sets: s.sets,
          deletes: s.deletes,
          increments: s.increments,
          evictions: s.evictions,
          errors: s.errors,
          keys: keys ? (keys.byNamespace.get(name) ?? 0) : null,
          latency_ms: s.latencyMs,
        };
        totals.hits += s.hits;
        totals.misses += s.misses;
        totals.sets += s.sets;
        totals.deletes += s.deletes;
      }
      const reads = totals.hits + totals.misses;
      return {
        driver: cache.driver,
        available: cache.available(),
        namespaces,
        totals: {
          ...totals,
          hit_rate: reads === 0 ? null : round(totals.hits / reads, 4),
          evictions: info?.evictions ?? null,
          keys: keys?.total ?? null,
          keys_complete: keys?.complete ?? false,
          memory_bytes: info?.memoryBytes ?? null,
        },
      };
    },

    /** `app`: the application caches; `all`: everything under this deployment's prefix. */
    async clear(scope: ClearScope): Promise<ClearResult> {
      const removed: Record<string, number> = {};
      try {
        if (scope === "app") {
          for (const name of cache.applicationNamespaces()) removed[name] = await store.clear(`${name}:`);
        } else {
          // Count per namespace first for the report; the clear itself removes by prefix, whatever it finds.
          const keys = await countKeys();
          const total = await store.clear("");
          for (const [name, count] of keys?.byNamespace ?? []) removed[name] = count;
          return { scope, removed, total };
        }
      } catch {
        throw cacheUnavailable();
      }
      return { scope, removed, total: Object.values(removed).reduce((sum, n) => sum + n, 0) };
    },

    /** A set/get/expire/delete round trip on a throw-away key, straight to the store. */
    async test(): Promise<TestResult> {
      const key = `cache-test:${randomBytes(8).toString("hex")}`;
      const value = randomBytes(16).toString("hex");
      const steps: TestStep[] = [];
      const started = performance.now();
      async function step(name: TestStep["step"], run: () => Promise<boolean>): Promise<void> {
        const at = performance.now();
        try {
          const ok = await run();
          steps.push({
            step: name,
            ok,
            ms: round(performance.now() - at),
            ...(ok ? {} : { error: "unexpected value" }),
          });
        } catch (error) {
          steps.push({ step: name, ok: false, ms: round(performance.now() - at), error: describe(error) });
        }
      }
      await step("set", async () => {
        await store.set(key, value, 60);
        return true;
      });
      await step("get", async () => (await store.get(key)) === value);
      await step("expire", async () => {
        // Re-set with a 1 s TTL and read the TTL back: expiry is scheduled without making the caller wait.
        await store.set(key, value, 1);
        const ms = await store.ttl(key);
        return ms !== null && ms > 0 && ms <= 1000;
      });
      await step("delete", async () => {
        await store.delete(key);
        return (await store.get(key)) === null;
      });
      return {
        status: steps.every((s) => s.ok) ? "pass" : "fail",
        driver: cache.driver,
        steps,
        total_ms: round(performance.now() - started),
      };
    },
  };
}

const EMPTY: NamespaceStats = {
  hits: 0,
  misses: 0,
  hitRate: null,
  sets: 0,
  deletes: 0,
  increments: 0,
  evictions: 0,
  errors: 0,
  latencyMs: { p50: null, p95: null, p99: null },
};

/** The kind of failure, never connection details. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/timed? ?out/i.test(message)) return "timed out";
  return "the cache did not answer";
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
