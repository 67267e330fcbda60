/**
 * /admin/audit: the audit trail as GET /v1/audit-events gives it (the same reader, decided by Cedar): every
 * tenant's events for platform admins (`audit.listAll`), one tenant's (`?tenant=`) for its owners and admins,
 * filtered by type, actor, subject and time, newest first, paged by the reader's cursor.
 */
import { Elysia } from "elysia";
import type { AuditListQuery } from "../../../identity/audit/reader.ts";
import { DEFAULT_TENANT_SLUG } from "../../../identity/tenants/service.ts";
import type { PageContext } from "../context.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices } from "./access.ts";
import type { Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, dateTime, refusalAlert } from "./shell.ts";
import { tenantNav } from "./tenants.ts";

const AUDIT_PAGE_SIZE = 50;
const FILTERS = ["tenant", "type", "actor", "subject", "from", "to"] as const;
type Filters = Partial<Record<(typeof FILTERS)[number] | "cursor", string>>;

function filtersOf(url: URL): Filters {
  const filters: Filters = {};
  for (const name of [...FILTERS, "cursor"] as const) {
    const value = url.searchParams.get(name)?.trim().slice(0, 200);
    if (value) filters[name] = value;
  }
  return filters;
}

/** `<input type="datetime-local">` gives local time without a zone; the console reads it as UTC. */
function asTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;
}

function link(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name] as string);
  if (cursor) params.set("cursor", cursor);
  return `/admin/audit?${params.toString()}`;
}

function filterForm(ctx: PageContext, filters: Filters): Html {
  const { t } = ctx;
  const input = (name: (typeof FILTERS)[number], label: string, type = "text") =>
    html`<div class="field"><label for="a-${name}">${label}</label><input id="a-${name}" name="${name}" type="${type}" value="${filters[name] ?? ""}"></div>`;
  return html`<form class="filters" method="get" action="/admin/audit" role="search">
${filters.tenant && html`<input type="hidden" name="tenant" value="${filters.tenant}">`}
${input("type", t("admin.audit.type"))}${input("actor", t("admin.audit.actor"))}${input("subject", t("admin.audit.subject"))}
${input("from", t("admin.audit.from"), "datetime-local")}${input("to", t("admin.audit.to"), "datetime-local")}
<button type="submit" class="button button--primary">${t("admin.users.apply")}</button></form>`;
}

export function auditPages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;
  return new Elysia({ name: "admin-audit", detail: ADMIN_PAGE_DETAIL }).get("/admin/audit", ({ request }) =>
    handlers.page(request, async ({ ctx, operator }) => {
      const filters = filtersOf(ctx.url);
      const tenantCtx = await access.tenantContext(request, filters.tenant ?? DEFAULT_TENANT_SLUG);
      const query: AuditListQuery = {
        scope: filters.tenant ? "tenant" : "all",
        limit: AUDIT_PAGE_SIZE,
        ...(filters.type
          ? {
              types: filters.type
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        ...(filters.actor ? { actorId: filters.actor } : {}),
        ...(filters.subject ? { subjectId: filters.subject } : {}),
        ...(asTime(filters.from) ? { from: asTime(filters.from) } : {}),
        ...(asTime(filters.to) ? { to: asTime(filters.to) } : {}),
        ...(filters.cursor ? { cursor: filters.cursor } : {}),
      };
      const result = await attempt(() => services.auditEvents.list(tenantCtx, query));
      const { t } = ctx;
      const table = result.ok
        ? result.value.data.length === 0
          ? html`<p role="status">${t("admin.audit.none")}</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${ctx.t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.audit.when")}</th><th scope="col">${t("admin.audit.type")}</th><th scope="col">${t("admin.audit.actor")}</th><th scope="col">${t("admin.audit.subject")}</th><th scope="col">${t("admin.audit.address")}</th></tr></thead><tbody>
${result.value.data.map(
  (event) =>
    html`<tr><td>${dateTime(ctx, event.occurredAt)}</td><td>${event.type}</td><td>${event.actorId ?? event.actorType}</td><td>${event.subjectId ? `${event.subjectType ?? ""} ${event.subjectId}` : "—"}</td><td>${event.ip ?? "—"}</td></tr>`,
)}</tbody></table></div>
<p class="actions">${filters.cursor && html`<a class="button button--secondary" href="${link(filters)}">${t("admin.users.firstPage")}</a> `}${
              result.value.nextCursor &&
              html`<a class="button button--secondary" rel="next" href="${link(filters, result.value.nextCursor)}">${t("admin.users.nextPage")}</a>`
            }</p>`
        : refusalAlert(ctx, result.error);
      const title = filters.tenant
        ? t("admin.audit.tenantTitle", { name: tenantCtx.tenant.name })
        : t("admin.audit.title");
      return pages.page(
        ctx,
        adminPage(
          ctx,
          operator,
          filters.tenant ? "tenants" : "audit",
          title,
          html`${filters.tenant && tenantNav(ctx, tenantCtx.tenant.id, "audit")}${filterForm(ctx, filters)}${table}`,
        ),
        { status: result.ok ? 200 : result.error.status },
      );
    }),
  );
}
