/**
 * GET /health's fast path, for the load balancer's probe over HTTP (src/server.ts): the same answer as the
 * route (index.ts), byte for byte, without Elysia's request handling around it — which costs the probe more
 * than everything it does itself. None of the pipeline's pieces has anything to do for it (src/app.ts):
 *
 * - the security headers are those the app starts every answer with (security-headers.ts);
 * - the limits: a request with a body, or with headers above the limit, goes to the app, which refuses it in
 *   the native shape (request-limits.ts, json-depth.ts); GET is a safe method, so the origin check passes it;
 * - no rate-limit rule covers /health (rate-limit/rules.ts), nothing reads its client address or locale;
 * - metrics count it under the route `/health` like the route does.
 *
 * Anything else — another method, a query string, a trailing slash — is the app's, as is a failed check.
 */
import { isBodilessGetWithinLimits } from "../../pipeline/request-limits.ts";
import type { HealthSummary } from "./model.ts";
import type { HealthService } from "./service.ts";

export interface HealthProbeDeps {
  readonly health: Pick<HealthService, "summaryNow">;
  /** The headers every answer of the app starts with. */
  readonly headers: Readonly<Record<string, string>>;
  /** Counts the answer in the request metrics, as the route would be counted. */
  readonly record: (status: number, seconds: number) => void;
  /** The app's own handling, for a probe whose check failed unexpectedly. */
  readonly fallback: (request: Request) => Response | Promise<Response>;
}

/** `(request) => answer`, or undefined when the request is not one the fast path answers as the app would. */
export type HealthProbe = (request: Request) => Response | Promise<Response> | undefined;

/** Only for `GET /health` exactly (the server checks the method and path before asking). */
export function healthProbe(deps: HealthProbeDeps): HealthProbe {
  // Built once: Bun copies a Headers into a Response in about half the time of a plain object (0.45 against
  // 0.85 µs per answer, measured), with the same entries in the same order.
  const defaults = new Headers({ ...deps.headers });
  return (request) => {
    if (!isBodilessGetWithinLimits(request)) return undefined;
    const started = performance.now();
    const respond = (summary: HealthSummary): Response => {
      // What Elysia answers for the route's object: Response.json over the default headers.
      const status = summary.status === "down" ? 503 : 200;
      const response = Response.json(summary, { status, headers: defaults });
      deps.record(status, (performance.now() - started) / 1000);
      return response;
    };
    // Most probes find SQLite and the memory cache answered at once: then the Response itself, no promise.
    const summary = deps.health.summaryNow();
    if (!(summary instanceof Promise)) return respond(summary);
    return summary.then(respond, () => deps.fallback(request));
  };
}
