/**
 * Prometheus metrics of one app instance (its own registry, so several apps in one process never mix):
 * requests and latency per route pattern and status, sign-in outcomes, cache figures per namespace, and the
 * process figures prom-client collects (CPU, memory, event-loop lag, GC).
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { AppCache } from "../../../platform/cache/index.ts";
import { createRequestStats } from "./request-stats.ts";

const PREFIX = "gatehouse_";
// From a cached session lookup (~1 ms) to a slow password hash under load or a mail-sending request (seconds).
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// better-auth serves ~80 fixed paths; the cap bounds what unknown plugin paths could add.
const MAX_AUTH_ROUTES = 200;
const AUTH_ROUTE = "/api/auth/*";

export interface RequestSample {
  readonly method: string;
  /** The route pattern Elysia matched, undefined when none did. */
  readonly route: string | undefined;
  readonly pathname: string;
  readonly status: number;
  readonly seconds: number;
  /** The Location header of a redirect (to tell an OAuth callback's success from its error redirect). */
  readonly location: string | null;
}

export function createMetrics(cache: AppCache) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const requests = createRequestStats({
    registry,
    counterName: `${PREFIX}http_requests_total`,
    counterHelp: "HTTP requests by route pattern and status",
    histogramName: `${PREFIX}http_request_duration_seconds`,
    histogramHelp: "HTTP request latency by route pattern and status",
    buckets: LATENCY_BUCKETS,
  });
  const signIns = new Counter({
    name: `${PREFIX}sign_in_total`,
    help: "Sign-in attempts by method and result (success: credentials accepted)",
    labelNames: ["method", "result"] as const,
    registers: [registry],
  });
  // Cache figures are read from the cache's own statistics when scraped, so there is one source of truth.
  const cacheCounter = (name: string, help: string, pick: (s: CacheFigures) => number) =>
    new Counter({
      name: `${PREFIX}cache_${name}_total`,
      help,
      labelNames: ["namespace"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [namespace, stats] of Object.entries(cache.stats.snapshot())) {
          this.inc({ namespace }, pick(stats));
        }
      },
    });
  cacheCounter("hits", "Cache reads answered from the cache", (s) => s.hits);
  cacheCounter("misses", "Cache reads not answered (including failed reads)", (s) => s.misses);
  cacheCounter("sets", "Cache writes", (s) => s.sets);
  cacheCounter("errors", "Cache operations that failed (degraded to the database)", (s) => s.errors);
  cacheCounter("evictions", "Entries evicted for lack of room", (s) => s.evictions);
  new Gauge({
    name: `${PREFIX}cache_available`,
    help: "1 while the cache answers, 0 while Gatehouse runs on the database alone",
    registers: [registry],
    collect() {
      this.set(cache.available() ? 1 : 0);
    },
  });

  const authRoutes = new Set<string>();

  /** A bounded label: the route pattern; for better-auth's catch-all, its real path (capped). */
  function routeLabel(sample: RequestSample): string {
    if (sample.route === undefined) return sample.status === 404 ? "unmatched" : "other";
    if (sample.route !== AUTH_ROUTE || sample.status === 404) return sample.route;
    if (authRoutes.has(sample.pathname)) return sample.pathname;
    if (authRoutes.size >= MAX_AUTH_ROUTES) return AUTH_ROUTE;
    authRoutes.add(sample.pathname);
    return sample.pathname;
  }

  function recordSignIn(sample: RequestSample): void {
    if (sample.method !== "POST" && sample.method !== "GET") return;
    const path = sample.pathname;
    let method: string | undefined;
    let success = sample.status >= 200 && sample.status < 300;
    if (sample.method === "POST" && path.startsWith("/api/auth/sign-in/")) {
      method = path.slice("/api/auth/sign-in/".length);
      // Social sign-in only starts a redirect here; its outcome is counted at the callback.
      if (method === "social" || method === "oauth2") return;
    } else if (path.startsWith("/api/auth/callback/") || path.startsWith("/api/auth/oauth2/callback/")) {
      method = "oauth";
      success = sample.status === 302 && !/[?&]error=/.test(sample.location ?? "");
    }
    if (method === undefined || sample.status === 404) return;
    signIns.inc({
      method: authRoutes.has(sample.pathname) ? method : "other",
      result: success ? "success" : "failure",
    });
  }

  return {
    registry,
    record(sample: RequestSample): void {
      requests.record(sample.method, routeLabel(sample), sample.status, sample.seconds);
      recordSignIn(sample);
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

type CacheFigures = ReturnType<AppCache["stats"]["snapshot"]>[string];

export type Metrics = ReturnType<typeof createMetrics>;
