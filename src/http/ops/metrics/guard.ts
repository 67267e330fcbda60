/**
 * Who may read operational figures (/metrics, /cache/metrics): while METRICS_TOKEN is unset, anyone (the
 * documented default, for a scraper on a private network); once it is set, that Bearer token or a platform admin.
 */
import type { Auth } from "../../../auth/index.ts";
import { requirePlatformAdmin } from "../health/guard.ts";

export interface MetricsGuardDeps {
  readonly auth: Auth;
  readonly metricsToken: string | undefined;
}

/** Throws 401 / 403 (the ops guard's refusals) when METRICS_TOKEN is set and the caller has neither it nor admin. */
export async function requireMetricsReader(deps: MetricsGuardDeps, headers: Headers): Promise<void> {
  if (deps.metricsToken === undefined) return;
  await requirePlatformAdmin({ auth: deps.auth, healthToken: deps.metricsToken }, headers);
}
