/**
 * /admin/tenants/:tenant/roles: the tenant's role catalogue — listed, a role of the tenant's own added, and one
 * no member holds removed. Every rule (who may, built-in roles stay, a role in use stays) is the identity core's
 * (src/identity/roles/service.ts), the one /v1/roles calls; a refusal is shown above the list in the page's
 * language, with the deciding rules' notices.
 */
import { Elysia } from "elysia";
import type { TenantRole } from "../../../identity/tenants/service.ts";
import { button, type FormState, field, formMessages, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, missingFields } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { AdminRequest, Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, refusalAlert } from "./shell.ts";
import { tenantNav, tenantPath } from "./tenants.ts";

interface RolesPageParts {
  readonly state?: FormState;
  readonly alert?: Html | false;
}

export function rolePages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;

  function rolesPage(
    ctx: PageContext,
    operator: Operator,
    tenant: { id: string; name: string },
    roles: readonly TenantRole[],
    parts: RolesPageParts,
  ) {
    const { t } = ctx;
    const base = tenantPath(tenant.id, "/roles");
    const state = parts.state ?? {};
    const row = (role: TenantRole) =>
      html`<tr><td>${role.name}</td><td>${role.description ?? "—"}</td><td>${role.builtIn ? t("admin.tenant.builtInRole") : t("admin.tenant.ownRole")}</td><td>${
        !role.builtIn &&
        postForm(
          ctx,
          `${base}/delete`,
          html`${hidden("name", role.name)}<button type="submit" class="button button--secondary button--small" aria-label="${t("admin.tenant.roleDeleteNamed", { name: role.name })}">${t("admin.tenant.roleDelete")}</button>`,
          "inline-form",
        )
      }</td></tr>`;
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.tenant.rolesTitle", { name: tenant.name }),
      html`${tenantNav(ctx, tenant.id, "roles")}${parts.alert}<div class="table-wrap" tabindex="0" role="region" aria-label="${t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.tenant.roleName")}</th><th scope="col">${t("admin.tenant.roleDescription")}</th><th scope="col">${t("admin.tenant.origin")}</th><th scope="col"><span class="visually-hidden">${t("admin.user.actions")}</span></th></tr></thead><tbody>
${roles.map(row)}
</tbody></table></div>
<section class="panel" aria-labelledby="new-role"><h2 id="new-role">${t("admin.tenant.roleCreate")}</h2>
${formMessages(state)}${postForm(
  ctx,
  base,
  html`${field({ name: "name", label: t("admin.tenant.roleName"), autocomplete: "off", required: true, hint: t("admin.tenant.roleNameHint") }, state)}
${field({ name: "description", label: t("admin.tenant.roleDescription"), autocomplete: "off" }, state)}
${button(t("admin.tenant.roleCreate"))}`,
)}</section>`,
    );
  }

  async function show(r: AdminRequest, tenant: string, parts: RolesPageParts = {}, status = 200) {
    const ctx = await access.tenantContext(r.request, tenant);
    const roles = await services.roles.list(ctx);
    return pages.page(r.ctx, rolesPage(r.ctx, r.operator, ctx.tenant, roles, parts), { status });
  }

  return new Elysia({ name: "admin-roles", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/tenants/:tenant/roles", ({ request, params }) =>
      handlers.page(request, (r) => show(r, params.tenant)),
    )
    .post("/admin/tenants/:tenant/roles", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const values = formValues(body, ["name", "description"]);
        const errors = missingFields(r.ctx, values, ["name"]);
        if (errors) return show(r, params.tenant, { state: { values, errors } }, 400);
        const description = values.description?.trim() || null;
        const result = await attempt(() =>
          services.roles.create(ctx, { name: (values.name ?? "").trim(), description }),
        );
        if (!result.ok) {
          const alert = refusalAlert(r.ctx, result.error);
          return show(r, params.tenant, { state: { values }, alert }, result.error.status);
        }
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/roles"));
      }),
    )
    .post("/admin/tenants/:tenant/roles/delete", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const result = await attempt(() => services.roles.remove(ctx, formValues(body, ["name"]).name ?? ""));
        if (!result.ok)
          return show(r, params.tenant, { alert: refusalAlert(r.ctx, result.error) }, result.error.status);
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/roles"));
      }),
    );
}
