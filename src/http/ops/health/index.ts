/**
 * GET /health — for load balancers: 200 while the database answers (`degraded` when the cache is down or the
 * database refuses writes: disk full, read-only), 503 `down` when it does not answer. GET /health/detailed — for
 * operators: a platform admin or the HEALTH_TOKEN.
 */
import { Elysia } from "elysia";
import type { Auth } from "../../../auth/index.ts";
import { requirePlatformAdmin } from "./guard.ts";
import { ErrorBody, HealthDetailed, HealthSummary } from "./model.ts";
import type { HealthDeps, HealthService } from "./service.ts";
import { createHealthService } from "./service.ts";

export interface HealthModuleDeps extends HealthDeps {
  readonly auth: Auth;
  readonly config: { readonly healthToken: string | undefined };
}

/** `health` is given when GET /health's fast path (probe.ts) shares the service, and so its checks under way. */
export function healthModule(deps: HealthModuleDeps, health: HealthService = createHealthService(deps)) {
  return new Elysia({ name: "health" })
    .get(
      "/health",
      async ({ set }) => {
        const summary = await health.summary();
        if (summary.status === "down") set.status = 503;
        return summary;
      },
      {
        detail: { tags: ["Health"], summary: "Health check" },
        response: { 200: HealthSummary, 503: HealthSummary },
      },
    )
    .get(
      "/health/detailed",
      async ({ request, set }) => {
        await requirePlatformAdmin(
          { auth: deps.auth, healthToken: deps.config.healthToken },
          request.headers,
        );
        const report = await health.detailed();
        if (report.status === "down") set.status = 503;
        return report;
      },
      {
        detail: {
          tags: ["Health"],
          summary: "Detailed health stats",
          description: "Platform admin (session) or `Authorization: Bearer $HEALTH_TOKEN`.",
          security: [{ bearerAuth: [] }],
        },
        response: {
          200: HealthDetailed,
          401: ErrorBody,
          403: ErrorBody,
          429: ErrorBody,
          503: HealthDetailed,
        },
      },
    );
}
