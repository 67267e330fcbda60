/**
 * The Cache group: GET /cache/health (nothing secret) and /cache/metrics (operational figures: open unless
 * METRICS_TOKEN is set, src/http/ops/metrics/guard.ts), POST /cache/clear and /cache/test (platform admin).
 */
import { Elysia } from "elysia";
import type { Auth } from "../../../auth/index.ts";
import type { AppCache } from "../../../platform/cache/index.ts";
import { requirePlatformAdmin } from "../health/guard.ts";
import { requireMetricsReader } from "../metrics/guard.ts";
import { CacheHealth, CacheMetrics, ClearBody, ClearResult, ErrorBody, TestResult } from "./model.ts";
import { createCacheService } from "./service.ts";

export interface CacheModuleDeps {
  readonly cache: AppCache;
  readonly auth: Auth;
  readonly config: { readonly metricsToken: string | undefined };
}

export function cacheModule({ cache, auth, config }: CacheModuleDeps) {
  const service = createCacheService(cache);
  const tags = ["Cache"];
  return new Elysia({ name: "cache", prefix: "/cache" })
    .get(
      "/health",
      async ({ set }) => {
        const health = await service.health();
        if (health.status === "down") set.status = 503;
        return health;
      },
      {
        detail: { tags, summary: "Cache health check" },
        response: { 200: CacheHealth, 429: ErrorBody, 503: CacheHealth },
      },
    )
    .get(
      "/metrics",
      async ({ request }) => {
        await requireMetricsReader({ auth, metricsToken: config.metricsToken }, request.headers);
        return service.metrics();
      },
      {
        detail: {
          tags,
          summary: "Cache metrics",
          description:
            "Hits, misses, latency and keys per key namespace. " +
            "With METRICS_TOKEN set: `Authorization: Bearer $METRICS_TOKEN` or a platform admin.",
        },
        response: { 200: CacheMetrics, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
      },
    )
    .post(
      "/clear",
      async ({ request, body }) => {
        await requirePlatformAdmin({ auth }, request.headers);
        return service.clear(body?.scope ?? "app");
      },
      {
        body: ClearBody,
        detail: {
          tags,
          summary: "Clear cache",
          description:
            'Platform admin. Clears the application caches; `{"scope": "all"}` also drops cached sessions ' +
            "(they stay valid from the database) and rate-limit counters.",
        },
        response: {
          200: ClearResult,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          429: ErrorBody,
          503: ErrorBody,
        },
      },
    )
    .post(
      "/test",
      async ({ request }) => {
        await requirePlatformAdmin({ auth }, request.headers);
        return service.test();
      },
      {
        detail: {
          tags,
          summary: "Test cache operations",
          description:
            "Platform admin. A set/get/expire/delete round trip with timings and a result per step.",
        },
        response: { 200: TestResult, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
      },
    );
}
