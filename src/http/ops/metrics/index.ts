/**
 * GET /metrics (Prometheus text) and the global hooks that feed it. Elysia applies a global hook only to routes
 * registered after it, so this plugin must be used before every route module.
 *
 * Who may scrape: anyone while METRICS_TOKEN is unset (a scraper on a private network, as before), otherwise
 * only `Authorization: Bearer $METRICS_TOKEN` or a platform admin — route names, sign-in counts and cache
 * figures tell an attacker what is used and when (guard.ts).
 */
import { Elysia, t } from "elysia";
import type { Auth } from "../../../auth/index.ts";
import type { AppCache } from "../../../platform/cache/index.ts";
import type { surfaceErrors } from "../../pipeline/error-renderer.ts";
import { requireMetricsReader } from "./guard.ts";
import { createMetrics } from "./service.ts";

/** What the metrics read of a finished request (`code` is not in Elysia's type for this hook). */
interface AfterResponse {
  readonly request: Request;
  readonly route: string;
  readonly path: string;
  readonly set: { status?: number | string };
  readonly responseValue: unknown;
  readonly code?: unknown;
}

export interface MetricsModuleDeps {
  readonly cache: AppCache;
  readonly auth: Auth;
  readonly config: { readonly metricsToken: string | undefined };
}

/**
 * `renderErrors` renders the route's refusals (401/403): the module is used before the surfaces, outside any of
 * them, so it is handed the native surface's handler (src/app.ts).
 */
export function metricsModule(
  { cache, auth, config }: MetricsModuleDeps,
  renderErrors: ReturnType<typeof surfaceErrors>,
) {
  const metrics = createMetrics(cache);
  const startedAt = new WeakMap<Request, number>();
  return (
    new Elysia({ name: "metrics" })
      .onRequest(({ request }) => {
        startedAt.set(request, performance.now());
      })
      // Named parameters only (Elysia reads the hook's source to learn what every request needs); `code` is
      // present when the request ended in onError (e.g. NOT_FOUND) and `path` is the path without the query.
      .onAfterResponse(
        { as: "global" },
        ({ request, route, set, responseValue, code, path }: AfterResponse) => {
          const started = startedAt.get(request);
          if (started === undefined) return;
          const response = responseValue instanceof Response ? responseValue : undefined;
          const status =
            response?.status ??
            (code === "NOT_FOUND" ? 404 : typeof set.status === "number" ? set.status : 200);
          metrics.record({
            method: request.method,
            route: route || undefined,
            pathname: path,
            status,
            seconds: (performance.now() - started) / 1000,
            location: response?.headers.get("location") ?? null,
          });
        },
      )
      .onError(renderErrors)
      .get(
        "/metrics",
        async ({ request }) => {
          await requireMetricsReader({ auth, metricsToken: config.metricsToken }, request.headers);
          return new Response(await metrics.text(), { headers: { "content-type": metrics.contentType } });
        },
        {
          detail: {
            tags: ["Metrics"],
            summary: "Prometheus metrics",
            description:
              "Prometheus text exposition format: requests, latency, sign-ins, cache, process. " +
              "With METRICS_TOKEN set: `Authorization: Bearer $METRICS_TOKEN` or a platform admin.",
          },
          response: { 200: t.String({ description: "text/plain; version=0.0.4" }) },
        },
      )
  );
}
