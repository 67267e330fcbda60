/**
 * Per-namespace cache statistics. A key's namespace is its text up to the first `:` (after the deployment's
 * CACHE_PREFIX, which the store adds below this layer): `rl` for rate-limit counters, `verification`, and one
 * per application cache. better-auth's session entries (bare tokens, `active-sessions-…`) have no `:` and are
 * counted as `better-auth`.
 */

export type CacheOp = "get" | "set" | "delete" | "getAndDelete" | "increment" | "ttl";
/** hit/miss for reads, ok for writes; error = the store failed (the caller got a miss or a no-op). */
export type CacheOutcome = "hit" | "miss" | "ok" | "error";

export interface NamespaceStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses); null before the first read. */
  readonly hitRate: number | null;
  readonly sets: number;
  readonly deletes: number;
  readonly increments: number;
  readonly evictions: number;
  readonly errors: number;
  /** Over the most recent operations (see LATENCY_SAMPLES), in milliseconds. */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
}

export interface CacheStats {
  record(key: string, op: CacheOp, outcome: CacheOutcome, ms?: number): void;
  evicted(key: string): void;
  snapshot(): Record<string, NamespaceStats>;
}

export const BETTER_AUTH_NAMESPACE = "better-auth";
/** Namespaces beyond this many are counted together, so odd keys cannot grow the metrics without bound. */
const MAX_NAMESPACES = 32;
export const OTHER_NAMESPACE = "other";
// Enough samples for a stable p99 while keeping the percentile sort cheap (done only when metrics are read).
const LATENCY_SAMPLES = 1024;
const NAMESPACE = /^([a-z][a-z0-9_-]{0,31}):/;

export function namespaceOf(key: string): string {
  return NAMESPACE.exec(key)?.[1] ?? BETTER_AUTH_NAMESPACE;
}

interface Counters {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  increments: number;
  evictions: number;
  errors: number;
  samples: Float64Array;
  sampleCount: number;
}

export function createCacheStats(): CacheStats {
  const byNamespace = new Map<string, Counters>();

  function counters(key: string): Counters {
    let name = namespaceOf(key);
    if (!byNamespace.has(name) && byNamespace.size >= MAX_NAMESPACES) name = OTHER_NAMESPACE;
    let entry = byNamespace.get(name);
    if (!entry) {
      entry = {
        hits: 0,
        misses: 0,
        sets: 0,
        deletes: 0,
        increments: 0,
        evictions: 0,
        errors: 0,
        samples: new Float64Array(LATENCY_SAMPLES),
        sampleCount: 0,
      };
      byNamespace.set(name, entry);
    }
    return entry;
  }

  return {
    record(key, op, outcome, ms) {
      const c = counters(key);
      if (outcome === "error") c.errors++;
      if (op === "get" || op === "getAndDelete") {
        // A failed read is a miss to its caller (it falls back to the database).
        if (outcome === "hit") c.hits++;
        else c.misses++;
      }
      if (op === "set") c.sets++;
      if (op === "delete" || op === "getAndDelete") c.deletes++;
      if (op === "increment") c.increments++;
      if (ms !== undefined) {
        c.samples[c.sampleCount % LATENCY_SAMPLES] = ms;
        c.sampleCount++;
      }
    },
    evicted(key) {
      counters(key).evictions++;
    },
    snapshot() {
      const result: Record<string, NamespaceStats> = {};
      for (const [name, c] of byNamespace) {
        const reads = c.hits + c.misses;
        const samples = c.samples.slice(0, Math.min(c.sampleCount, LATENCY_SAMPLES)).sort();
        result[name] = {
          hits: c.hits,
          misses: c.misses,
          hitRate: reads === 0 ? null : c.hits / reads,
          sets: c.sets,
          deletes: c.deletes,
          increments: c.increments,
          evictions: c.evictions,
          errors: c.errors,
          latencyMs: {
            p50: percentile(samples, 0.5),
            p95: percentile(samples, 0.95),
            p99: percentile(samples, 0.99),
          },
        };
      }
      return result;
    },
  };
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round((sorted[rank] ?? 0) * 1000) / 1000;
}
