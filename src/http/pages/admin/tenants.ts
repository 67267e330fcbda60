/**
 * /admin/tenants: the tenants an operator may open (every tenant for platform admins, their own for tenant
 * owners and admins), the creation of one (better-auth's organization endpoint, as /api/auth clients create one:
 * the creator becomes its owner), and a tenant's page — its members (the /v1/users list of that tenant) and its
 * role catalogue (/v1/roles). Everything is read through the tenant's V1Context, so Cedar decides as on /v1.
 */
import { Elysia } from "elysia";
import { button, type FormState, field, formMessages, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, messageOf, missingFields } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, refusalAlert } from "./shell.ts";
import { filtersOf, listUsers, userListSection } from "./user-list.ts";

/** The platform list shows this many tenants (a longer list is found by slug with the form above it). */
const TENANT_LIST_MAX = 200;

export const tenantPath = (tenant: string, rest = "") =>
  `/admin/tenants/${encodeURIComponent(tenant)}${rest}`;

export function tenantNav(
  ctx: PageContext,
  tenant: string,
  current: "members" | "roles" | "rules" | "keys" | "oauthClients" | "audit",
): Html {
  const { t } = ctx;
  const item = (href: string, label: string, key: string) =>
    html`<li><a href="${href}"${current === key ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<nav class="admin-nav" aria-label="${t("admin.tenant.navLabel")}"><ul>
${item(tenantPath(tenant), t("admin.tenant.members"), "members")}
${item(tenantPath(tenant, "/roles"), t("admin.tenant.roles"), "roles")}
${item(tenantPath(tenant, "/rules"), t("admin.tenant.rules"), "rules")}
${item(tenantPath(tenant, "/api-keys"), t("admin.tenant.keys"), "keys")}
${item(tenantPath(tenant, "/oauth-clients"), t("admin.oauthClients.nav"), "oauthClients")}
${item(`/admin/audit?tenant=${encodeURIComponent(tenant)}`, t("admin.tenant.audit"), "audit")}
</ul></nav>`;
}

export function tenantsPages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;

  function listPage(
    ctx: PageContext,
    operator: Operator,
    tenants: readonly { id: string; slug: string; name: string }[],
    state: FormState = {},
  ) {
    const { t } = ctx;
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.tenants.title"),
      html`${
        tenants.length === 0
          ? html`<p>${t("admin.tenants.none")}</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${ctx.t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.tenants.name")}</th><th scope="col">${t("admin.tenants.slug")}</th></tr></thead><tbody>
${tenants.map((tenant) => html`<tr><td><a href="${tenantPath(tenant.id)}">${tenant.name}</a></td><td>${tenant.slug}</td></tr>`)}
</tbody></table></div>`
      }
<section class="panel" aria-labelledby="new-tenant"><h2 id="new-tenant">${t("admin.tenants.create")}</h2>
${formMessages(state)}${postForm(
  ctx,
  "/admin/tenants",
  html`${field({ name: "name", label: t("admin.tenants.name"), autocomplete: "off", required: true }, state)}
${field({ name: "slug", label: t("admin.tenants.slug"), autocomplete: "off", required: true, hint: t("admin.tenants.slugHint") }, state)}
${button(t("admin.tenants.create"))}`,
)}</section>`,
    );
  }

  const visibleTenants = async (operator: Operator) =>
    operator.isPlatformAdmin ? services.tenants.listTenants(TENANT_LIST_MAX) : operator.managed;

  return new Elysia({ name: "admin-tenants", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/tenants", ({ request }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        handlers.requireOperator(operator);
        return pages.page(ctx, listPage(ctx, operator, await visibleTenants(operator)));
      }),
    )
    .post("/admin/tenants", ({ request, body }) =>
      handlers.form(request, body, async ({ ctx, operator }) => {
        handlers.requireOperator(operator);
        const values = formValues(body, ["name", "slug"]);
        const errors = missingFields(ctx, values, ["name", "slug"]);
        if (errors) {
          return pages.page(
            ctx,
            listPage(ctx, operator, await visibleTenants(operator), { values, errors }),
            {
              status: 400,
            },
          );
        }
        const answer = await pages.callAuth(request, "/organization/create", {
          body: { name: values.name?.trim(), slug: values.slug?.trim().toLowerCase() },
        });
        const id = answer.body?.id;
        if (!answer.ok || typeof id !== "string") {
          const state = { values, formError: messageOf(ctx, answer) };
          return pages.page(ctx, listPage(ctx, operator, await visibleTenants(operator), state), {
            status: answer.ok ? 400 : answer.status,
          });
        }
        return pages.redirect(ctx, tenantPath(id));
      }),
    )
    .get("/admin/tenants/:tenant", ({ request, params }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        const tenantCtx = await access.tenantContext(request, params.tenant);
        const filters = filtersOf(ctx.url);
        const base = tenantPath(tenantCtx.tenant.id);
        const result = await attempt(() => listUsers(services, tenantCtx, filters));
        const roles = (await services.tenants.listRoles(tenantCtx.tenant.id)).map((role) => role.name);
        const { t } = ctx;
        const list = result.ok
          ? userListSection(ctx, base, filters, result.value, roles, (u) =>
              tenantPath(tenantCtx.tenant.id, `/members/${u.id}`),
            )
          : refusalAlert(ctx, result.error);
        return pages.page(
          ctx,
          adminPage(
            ctx,
            operator,
            "tenants",
            t("admin.tenant.title", { name: tenantCtx.tenant.name }),
            html`${tenantNav(ctx, tenantCtx.tenant.id, "members")}
<p class="actions"><a class="button button--secondary" href="${tenantPath(tenantCtx.tenant.id, "/members/new")}">${t("admin.tenant.addMember")}</a></p>
${list}`,
          ),
          { status: result.ok ? 200 : result.error.status },
        );
      }),
    );
}
