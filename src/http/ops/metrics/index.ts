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
import { createMetrics, type Metrics } from "./service.ts";

const isRedirect = (status: number) => status >= 300 && status < 400;

/** The path of a request URL, without the query (as Elysia's `path`). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  return url.slice(start, query === -1 ? undefined : query);
}

export interface MetricsModuleDeps {
  readonly cache: AppCache;
  readonly auth: Auth;
  readonly config: { readonly metricsToken: string | undefined };
}

/**
 * `renderErrors` renders the route's refusals (401/403): the module is used before the surfaces, outside any of
 * them, so it is handed the native surface's handler (src/app.ts). `metrics` is given when something else
 * records into the same figures too (GET /health's fast path, src/http/ops/health/probe.ts).
 */
export function metricsModule(
  { cache, auth, config }: MetricsModuleDeps,
  renderErrors: ReturnType<typeof surfaceErrors>,
  metrics: Metrics = createMetrics(cache),
) {
  // The route pattern of a request, asked once it is answered: Elysia sets it on the context when it picks the
  // route. A request without an entry was refused before this module's onRequest (request limits, origin, JSON
  // depth) and is not counted, as before.
  const routeOf = new WeakMap<Request, () => string | undefined>();

  /** Records a request once the app has made its answer, whatever made it (a route, a renderer, a 404). */
  function recorded(request: Request, started: number) {
    return (response: Response): Response => {
      const route = routeOf.get(request);
      if (route === undefined) return response;
      metrics.record({
        method: request.method,
        route: route() || undefined,
        pathname: pathOf(request.url),
        status: response.status,
        seconds: (performance.now() - started) / 1000,
        location: isRedirect(response.status) ? response.headers.get("location") : null,
      });
      return response;
    };
  }

  return (
    new Elysia({ name: "metrics" })
      // Around the whole handling of a request rather than Elysia's onAfterResponse, which queues a
      // setImmediate for every request of every route (about a microsecond each, more than the rest of these
      // metrics); the Response is the one the app hands to the server, so its status is the one sent.
      .wrap((handle) => (...args: unknown[]) => {
        const record = recorded(args[0] as Request, performance.now());
        const answer = (handle as unknown as (...a: unknown[]) => Response | Promise<Response>)(...args);
        return answer instanceof Promise ? answer.then(record) : record(answer);
      })
      // Elysia reads this hook's source to learn what every request needs: naming `context.route` makes it set
      // the route on every context, and the context is handed to no function (that would make every route of
      // the app parse its headers and cookies: src/http/pipeline/context-inference.test.ts).
      .onRequest((context: { readonly request: Request; readonly route?: string }) => {
        routeOf.set(context.request, () => context.route);
      })
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
