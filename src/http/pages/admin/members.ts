/**
 * A tenant's members in the console: adding one (the account service's `create`, as POST /v1/users: the new
 * account joins this tenant with the chosen roles) and changing one (`update` and `remove`, as PATCH and DELETE
 * /v1/users/:id: roles, suspension in this tenant, removal from it). Every refusal is the core's — a tenant
 * rule's notice included — shown above the form.
 */
import { Elysia } from "elysia";
import type { TenantUserView } from "../../../identity/accounts/view.ts";
import type { AppError } from "../../../platform/errors.ts";
import { button, type FormState, field, formMessages, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, missingFields } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { AdminRequest, Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, dateTime, refusalAlert, refusalText } from "./shell.ts";
import { tenantNav, tenantPath } from "./tenants.ts";
import { statusLabel } from "./user-list.ts";

const MEMBER_FIELDS = ["email", "name", "password"] as const;
const FIELD_OF: Readonly<Record<string, string>> = {
  email_exists: "email",
  password_too_common: "password",
  password_contains_identifier: "password",
};

/** The roles ticked in a posted form (`roles` repeated, one per checkbox). */
export function postedRoles(body: unknown, catalogue: readonly string[]): string[] {
  const value = (body as Record<string, unknown> | undefined)?.roles;
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((role): role is string => typeof role === "string" && catalogue.includes(role));
}

export function roleBoxes(ctx: PageContext, catalogue: readonly string[], chosen: readonly string[]): Html {
  return html`<fieldset class="field"><legend>${ctx.t("admin.users.roles")}</legend>
${catalogue.map(
  (role) =>
    html`<div><input type="checkbox" id="role-${role}" name="roles" value="${role}"${chosen.includes(role) ? html` checked` : ""}> <label for="role-${role}">${role}</label></div>`,
)}</fieldset>`;
}

export function memberPages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;

  function newMemberPage(
    ctx: PageContext,
    operator: Operator,
    tenant: { id: string; name: string },
    catalogue: readonly string[],
    chosen: readonly string[],
    state: FormState = {},
    alert: Html | false = false,
  ) {
    const { t } = ctx;
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.tenant.addMemberTitle", { name: tenant.name }),
      html`${tenantNav(ctx, tenant.id, "members")}${alert}${formMessages(state)}${postForm(
        ctx,
        tenantPath(tenant.id, "/members/new"),
        html`${field({ name: "email", label: t("admin.users.email"), type: "email", autocomplete: "off", required: true }, state)}
${field({ name: "name", label: t("admin.users.name"), autocomplete: "off", required: true }, state)}
${field({ name: "password", label: t("admin.users.password"), type: "password", autocomplete: "new-password", required: true, hint: t("admin.users.passwordHint") }, state)}
${roleBoxes(ctx, catalogue, chosen)}
${button(t("admin.tenant.addMember"))}`,
      )}`,
    );
  }

  function memberPage(
    ctx: PageContext,
    operator: Operator,
    user: TenantUserView,
    tenantName: string,
    catalogue: readonly string[],
    alert: Html | false,
  ) {
    const { t } = ctx;
    const base = tenantPath(user.tenantId, `/members/${encodeURIComponent(user.id)}`);
    const suspended = user.membership === "suspended";
    const done = ctx.url.searchParams.get("done") === "saved";
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.tenant.memberTitle", { name: user.name ?? user.email ?? user.id, tenant: tenantName }),
      html`${tenantNav(ctx, user.tenantId, "members")}${alert}${done && html`<div class="alert alert--info" role="status">${t("admin.user.done.saved")}</div>`}
<dl><dt>${t("admin.users.email")}</dt><dd>${user.email ?? "—"}</dd>
<dt>${t("admin.users.status")}</dt><dd>${statusLabel(ctx, user.status)}</dd>
<dt>${t("admin.users.created")}</dt><dd>${dateTime(ctx, user.createdAt)}</dd></dl>
<section class="panel" aria-labelledby="roles-heading"><h2 id="roles-heading">${t("admin.users.roles")}</h2>
${postForm(ctx, `${base}/roles`, html`${roleBoxes(ctx, catalogue, user.roles)}${button(t("admin.user.save"))}`)}</section>
<section class="panel" aria-labelledby="membership-heading"><h2 id="membership-heading">${t("admin.tenant.membership")}</h2>
${postForm(ctx, `${base}/active`, html`<input type="hidden" name="active" value="${suspended ? "true" : "false"}">${button(suspended ? t("admin.tenant.reinstate") : t("admin.tenant.suspend"), "secondary")}`, "inline-form")}
${postForm(ctx, `${base}/remove`, button(t("admin.tenant.remove"), "secondary"), "inline-form")}</section>`,
    );
  }

  async function showMember(
    r: AdminRequest,
    tenant: string,
    id: string,
    alert: Html | false = false,
    status = 200,
  ) {
    const tenantCtx = await access.tenantContext(r.request, tenant);
    const user = await services.accounts.get(tenantCtx, id);
    const catalogue = (await services.tenants.listRoles(tenantCtx.tenant.id)).map((role) => role.name);
    return pages.page(r.ctx, memberPage(r.ctx, r.operator, user, tenantCtx.tenant.name, catalogue, alert), {
      status,
    });
  }
  const refused = (r: AdminRequest, tenant: string, id: string, error: AppError) =>
    showMember(r, tenant, id, refusalAlert(r.ctx, error), error.status);

  return new Elysia({ name: "admin-members", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/tenants/:tenant/members/new", ({ request, params }) =>
      handlers.page(request, async ({ ctx, operator }) => {
        const tenantCtx = await access.tenantContext(request, params.tenant);
        const catalogue = (await services.tenants.listRoles(tenantCtx.tenant.id)).map((role) => role.name);
        return pages.page(ctx, newMemberPage(ctx, operator, tenantCtx.tenant, catalogue, ["user"]));
      }),
    )
    .post("/admin/tenants/:tenant/members/new", ({ request, params, body }) =>
      handlers.form(request, body, async ({ ctx, operator }) => {
        const tenantCtx = await access.tenantContext(request, params.tenant);
        const catalogue = (await services.tenants.listRoles(tenantCtx.tenant.id)).map((role) => role.name);
        const values = formValues(body, MEMBER_FIELDS);
        const { password: _password, ...keep } = values;
        const roles = postedRoles(body, catalogue);
        const again = (state: FormState, status: number, alert: Html | false = false) =>
          pages.page(ctx, newMemberPage(ctx, operator, tenantCtx.tenant, catalogue, roles, state, alert), {
            status,
          });
        const errors = missingFields(ctx, values, ["email", "name", "password"]);
        if (errors) return again({ values: keep, errors }, 400);
        const result = await attempt(() =>
          services.accounts.create(tenantCtx, {
            email: values.email?.trim() ?? "",
            name: values.name?.trim() ?? "",
            password: values.password ?? "",
            roles,
            authProvider: "local",
          }),
        );
        if (result.ok)
          return pages.redirect(ctx, tenantPath(tenantCtx.tenant.id, `/members/${result.value.id}`));
        const fieldName = FIELD_OF[result.error.code] ?? result.error.details?.field;
        if (typeof fieldName === "string" && (MEMBER_FIELDS as readonly string[]).includes(fieldName)) {
          return again(
            { values: keep, errors: { [fieldName]: refusalText(ctx, result.error).message } },
            result.error.status,
          );
        }
        return again({ values: keep }, result.error.status, refusalAlert(ctx, result.error));
      }),
    )
    .get("/admin/tenants/:tenant/members/:id", ({ request, params }) =>
      handlers.page(request, (r) => showMember(r, params.tenant, params.id)),
    )
    .post("/admin/tenants/:tenant/members/:id/roles", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const tenantCtx = await access.tenantContext(request, params.tenant);
        const catalogue = (await services.tenants.listRoles(tenantCtx.tenant.id)).map((role) => role.name);
        const roles = postedRoles(body, catalogue);
        const result = await attempt(() => services.accounts.update(tenantCtx, params.id, { roles }));
        if (!result.ok) return refused(r, params.tenant, params.id, result.error);
        return pages.redirect(r.ctx, tenantPath(tenantCtx.tenant.id, `/members/${params.id}?done=saved`));
      }),
    )
    .post("/admin/tenants/:tenant/members/:id/active", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const tenantCtx = await access.tenantContext(request, params.tenant);
        const active = formValues(body, ["active"]).active === "true";
        const result = await attempt(() => services.accounts.update(tenantCtx, params.id, { active }));
        if (!result.ok) return refused(r, params.tenant, params.id, result.error);
        return pages.redirect(r.ctx, tenantPath(tenantCtx.tenant.id, `/members/${params.id}?done=saved`));
      }),
    )
    .post("/admin/tenants/:tenant/members/:id/remove", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const tenantCtx = await access.tenantContext(request, params.tenant);
        const result = await attempt(() => services.accounts.remove(tenantCtx, params.id));
        if (!result.ok) return refused(r, params.tenant, params.id, result.error);
        return pages.redirect(r.ctx, tenantPath(tenantCtx.tenant.id));
      }),
    );
}
