/**
 * The console's start page (what this operator may open), the global role catalogue and the health of this
 * node (the health service of GET /health/detailed: database, cache, mail, SMS, versions). Global roles and
 * health are platform matters: like /health/detailed, only platform admins see them.
 */
import { Elysia } from "elysia";
import { AppError } from "../../../platform/errors.ts";
import { createHealthService, type HealthDeps } from "../../ops/health/service.ts";
import { html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage } from "./shell.ts";
import { tenantPath } from "./tenants.ts";

function requirePlatformAdmin(operator: Operator): void {
  if (!operator.isPlatformAdmin) throw new AppError("forbidden", 403);
}

export function overviewPages(services: AdminServices, handlers: Handlers, healthDeps: HealthDeps) {
  const { pages } = handlers;
  const health = createHealthService(healthDeps);
  return new Elysia({ name: "admin-overview", detail: ADMIN_PAGE_DETAIL })
    .get("/admin", ({ request }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        handlers.requireOperator(operator);
        const { t } = ctx;
        return pages.page(
          ctx,
          adminPage(
            ctx,
            operator,
            "home",
            t("admin.home.title"),
            html`<p class="lead">${t("admin.home.intro", { app: ctx.brand.appName })}</p>
${
  operator.isPlatformAdmin &&
  html`<ul class="links">
<li><a href="/admin/users">${t("admin.home.users")}</a></li>
<li><a href="/admin/tenants">${t("admin.home.tenants")}</a></li>
<li><a href="/admin/audit">${t("admin.home.audit")}</a></li>
<li><a href="/admin/health">${t("admin.home.health")}</a></li>
</ul>`
}
${
  operator.managed.length > 0 &&
  html`<h2>${t("admin.home.yourTenants")}</h2><ul class="links">${operator.managed.map(
    (tenant) => html`<li><a href="${tenantPath(tenant.id)}">${tenant.name}</a></li>`,
  )}</ul>`
}`,
          ),
        );
      }),
    )
    .get("/admin/roles", ({ request }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        requirePlatformAdmin(operator);
        const { t } = ctx;
        const names = await services.globalRoles.list();
        const rows = await Promise.all(
          names.map(async (name) => ({ name, holders: await services.globalRoles.holders(name) })),
        );
        return pages.page(
          ctx,
          adminPage(
            ctx,
            operator,
            "roles",
            t("admin.roles.title"),
            html`<p>${t("admin.roles.intro")}</p><div class="table-wrap" tabindex="0" role="region" aria-label="${ctx.t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.tenant.roleName")}</th><th scope="col">${t("admin.roles.holders")}</th></tr></thead><tbody>
${rows.map((row) => html`<tr><td>${row.name}</td><td>${row.holders}</td></tr>`)}
</tbody></table></div>`,
          ),
        );
      }),
    )
    .get("/admin/health", ({ request }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        requirePlatformAdmin(operator);
        const { t } = ctx;
        const report = await health.detailed();
        const state = (value: "ok" | "down" | "degraded") => t(`admin.health.${value}`);
        return pages.page(
          ctx,
          adminPage(
            ctx,
            operator,
            "health",
            t("admin.health.title"),
            html`<p class="lead" data-testid="overall">${t("admin.health.overall")}: ${state(report.status)}</p>
<dl>
<dt>${t("admin.health.database")}</dt><dd>${state(report.database.status)} (${report.database.dialect}${report.database.latency_ms === null ? "" : `, ${report.database.latency_ms} ms`})</dd>
<dt>${t("admin.health.cache")}</dt><dd>${state(report.cache.status)} (${report.cache.driver}${report.cache.latency_ms === null ? "" : `, ${report.cache.latency_ms} ms`})</dd>
<dt>${t("admin.health.mail")}</dt><dd>${report.mail.transport}</dd>
<dt>${t("admin.health.sms")}</dt><dd>${report.sms.transport}</dd>
<dt>${t("admin.health.version")}</dt><dd>Gatehouse ${report.versions.gatehouse} · Bun ${report.versions.bun} · better-auth ${report.versions.better_auth}</dd>
<dt>${t("admin.health.uptime")}</dt><dd>${t("admin.health.seconds", { seconds: report.uptime })}</dd>
${report.counts && html`<dt>${t("admin.health.users")}</dt><dd>${report.counts.users}</dd><dt>${t("admin.health.sessions")}</dt><dd>${report.counts.active_sessions}</dd><dt>${t("admin.health.tenants")}</dt><dd>${report.counts.tenants}</dd>`}
</dl>`,
          ),
          { status: report.status === "down" ? 503 : 200 },
        );
      }),
    );
}
