/** Schemas of the cache routes (validation, types and OpenAPI in one place). */
import { t } from "elysia";

export { ErrorBody } from "../health/model.ts";

const Driver = t.Union([t.Literal("memory"), t.Literal("redis")]);

export const CacheHealth = t.Object({
  status: t.Union([t.Literal("ok"), t.Literal("down")]),
  driver: Driver,
  latency_ms: t.Nullable(
    t.Number({ description: "One PING round trip; null when the cache does not answer" }),
  ),
});

const Percentiles = t.Object({
  p50: t.Nullable(t.Number()),
  p95: t.Nullable(t.Number()),
  p99: t.Nullable(t.Number()),
});

export const NamespaceMetrics = t.Object({
  hits: t.Integer(),
  misses: t.Integer({
    description: "Including reads that failed or timed out (they fall back to the database)",
  }),
  hit_rate: t.Nullable(t.Number({ description: "hits / (hits + misses), 0–1; null before the first read" })),
  sets: t.Integer(),
  deletes: t.Integer(),
  increments: t.Integer(),
  evictions: t.Integer({
    description: "Dropped for lack of room (in-process LRU; Redis reports only a total)",
  }),
  errors: t.Integer(),
  keys: t.Nullable(t.Integer({ description: "Keys now stored; null when the cache does not answer" })),
  latency_ms: Percentiles,
});

export const CacheMetrics = t.Object({
  driver: Driver,
  available: t.Boolean({ description: "false while the cache is down and Gatehouse runs on the database" }),
  namespaces: t.Record(t.String(), NamespaceMetrics, {
    description:
      "Per key namespace (text before the first `:`): `better-auth` (sessions), `verification`, `rl` " +
      "(rate-limit counters), one per application cache",
  }),
  totals: t.Object({
    hits: t.Integer(),
    misses: t.Integer(),
    hit_rate: t.Nullable(t.Number()),
    sets: t.Integer(),
    deletes: t.Integer(),
    evictions: t.Nullable(t.Integer({ description: "Store-wide evictions (Redis: evicted_keys)" })),
    keys: t.Nullable(t.Integer()),
    keys_complete: t.Boolean({ description: "false when the store held more keys than were counted" }),
    memory_bytes: t.Nullable(t.Integer()),
  }),
});

export const ClearScope = t.Union([t.Literal("app"), t.Literal("all")], {
  description:
    "app (default): Gatehouse's application caches only. all: everything under this deployment's prefix, " +
    "including cached sessions (they stay valid: the database is the source of truth) and rate-limit counters",
});

export const ClearBody = t.Optional(
  t.Object({ scope: t.Optional(ClearScope) }, { additionalProperties: false }),
);

export const ClearResult = t.Object({
  scope: ClearScope,
  removed: t.Record(t.String(), t.Integer(), { description: "Keys removed per namespace" }),
  total: t.Integer(),
});

export const TestStep = t.Object({
  step: t.Union([t.Literal("set"), t.Literal("get"), t.Literal("expire"), t.Literal("delete")]),
  ok: t.Boolean(),
  ms: t.Number(),
  error: t.Optional(t.String()),
});

export const TestResult = t.Object({
  status: t.Union([t.Literal("pass"), t.Literal("fail")]),
  driver: Driver,
  steps: t.Array(TestStep),
  total_ms: t.Number(),
});

export type CacheHealth = typeof CacheHealth.static;
export type CacheMetrics = typeof CacheMetrics.static;
export type NamespaceMetrics = typeof NamespaceMetrics.static;
export type ClearScope = typeof ClearScope.static;
export type ClearResult = typeof ClearResult.static;
export type TestStep = typeof TestStep.static;
export type TestResult = typeof TestResult.static;
