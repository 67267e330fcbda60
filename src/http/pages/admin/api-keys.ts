/**
 * /admin/tenants/:tenant/api-keys: the tenant's keys, as /v1/api-keys keeps them — listed (by prefix, never the
 * key), created (Cedar decides apiKeys.create with the roles granted, as on /v1; the key answers to the person
 * who created it, and its raw value is shown in this one answer only, never stored nor shown again) and revoked.
 * Keys made here expire after the service's default lifetime.
 */
import { Elysia } from "elysia";
import type { ApiKey } from "../../../identity/api-keys/service.ts";
import { auditBy } from "../../../identity/audit/actor.ts";
import { V1Errors } from "../../../identity/errors.ts";
import { button, type FormState, field, formMessages, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, missingFields } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import { type AdminServices, headersFor, type Operator } from "./access.ts";
import type { AdminRequest, Handlers } from "./handler.ts";
import { postedRoles, roleBoxes } from "./members.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, dateTime, refusalAlert } from "./shell.ts";
import { tenantNav, tenantPath } from "./tenants.ts";

/** As the /v1 body schema bounds it (src/http/native/api-keys/index.ts). */
const NAME_MAX = 100;

export function apiKeyPages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;

  function keysPage(
    ctx: PageContext,
    operator: Operator,
    tenant: { id: string; name: string },
    keys: readonly ApiKey[],
    catalogue: readonly string[],
    parts: { state?: FormState; alert?: Html | false; created?: { name: string; raw: string } } = {},
  ) {
    const { t } = ctx;
    const base = tenantPath(tenant.id, "/api-keys");
    const state = parts.state ?? {};
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.keys.title", { name: tenant.name }),
      html`${tenantNav(ctx, tenant.id, "keys")}
${
  parts.created &&
  html`<div class="alert alert--info" role="status"><p>${t("admin.keys.shownOnce", { name: parts.created.name })}</p><p class="secret" data-testid="new-key">${parts.created.raw}</p></div>`
}
${
  keys.length === 0
    ? html`<p>${t("admin.keys.none")}</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.tenants.name")}</th><th scope="col">${t("admin.keys.prefix")}</th><th scope="col">${t("admin.users.roles")}</th><th scope="col">${t("admin.users.created")}</th><th scope="col">${t("admin.keys.expires")}</th><th scope="col">${t("admin.keys.lastUsed")}</th><th scope="col"><span class="visually-hidden">${t("admin.user.actions")}</span></th></tr></thead><tbody>
${keys.map(
  (
    key,
  ) => html`<tr><td>${key.name}</td><td><code>${key.prefix}…</code></td><td>${key.roles.join(", ")}</td><td>${dateTime(ctx, key.createdAt)}</td><td>${dateTime(ctx, key.expiresAt)}</td><td>${dateTime(ctx, key.lastUsedAt)}</td>
<td>${
    key.revokedAt
      ? t("admin.keys.revoked")
      : postForm(
          ctx,
          `${base}/revoke`,
          html`${hidden("id", key.id)}<button type="submit" class="button button--secondary button--small">${t("admin.keys.revoke")}</button>`,
          "inline-form",
        )
  }</td></tr>`,
)}</tbody></table></div>`
}
<section class="panel" aria-labelledby="new-key"><h2 id="new-key">${t("admin.keys.create")}</h2>
${parts.alert}${formMessages(state)}${postForm(
  ctx,
  base,
  html`${field({ name: "name", label: t("admin.tenants.name"), autocomplete: "off", required: true }, state)}
${roleBoxes(ctx, catalogue, ["user"])}
${button(t("admin.keys.create"))}`,
)}</section>`,
    );
  }

  async function show(
    r: AdminRequest,
    tenant: string,
    parts: Parameters<typeof keysPage>[5] = {},
    status = 200,
  ) {
    const ctx = await services.authorizeOnTenant(headersFor(r.request, tenant), "apiKeys.list");
    const keys = await services.apiKeys.list(ctx.tenant.id);
    const catalogue = (await services.tenants.listRoles(ctx.tenant.id)).map((role) => role.name);
    return pages.page(r.ctx, keysPage(r.ctx, r.operator, ctx.tenant, keys, catalogue, parts), { status });
  }

  return new Elysia({ name: "admin-api-keys", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/tenants/:tenant/api-keys", ({ request, params }) =>
      handlers.page(request, (r) => show(r, params.tenant)),
    )
    .post("/admin/tenants/:tenant/api-keys", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const catalogue = (await services.tenants.listRoles(ctx.tenant.id)).map((role) => role.name);
        const values = formValues(body, ["name"]);
        const name = (values.name ?? "").trim().slice(0, NAME_MAX);
        const errors = missingFields(r.ctx, values, ["name"]);
        if (errors) return show(r, params.tenant, { state: { values, errors } }, 400);
        const roles = postedRoles(body, catalogue);
        const result = await attempt(async () => {
          if (roles.length === 0)
            throw V1Errors.invalidRequest("At least one role is required", { field: "roles" });
          await services.authorize(ctx, (actor) => ({
            principal: actor,
            action: "apiKeys.create",
            resource: { type: "Tenant", id: ctx.tenant.id },
            context: { roles },
          }));
          if (ctx.principal?.kind !== "user") throw V1Errors.unauthenticated();
          return services.apiKeys.create({
            tenantId: ctx.tenant.id,
            name,
            roles,
            createdBy: ctx.principal.userId,
          });
        });
        if (!result.ok)
          return show(
            r,
            params.tenant,
            { state: { values }, alert: refusalAlert(r.ctx, result.error) },
            result.error.status,
          );
        await services.audit.record({
          ...auditBy(ctx),
          type: "api_key.created",
          subjectType: "api_key",
          subjectId: result.value.key.id,
          details: { roles, name },
        });
        return show(r, params.tenant, { created: { name, raw: result.value.raw } }, 201);
      }),
    )
    .post("/admin/tenants/:tenant/api-keys/revoke", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const key = await services.apiKeys.get(ctx.tenant.id, formValues(body, ["id"]).id ?? "");
        if (!key) throw V1Errors.notFound("api_key");
        await services.authorize(ctx, (actor) => ({
          principal: actor,
          action: "apiKeys.revoke",
          resource: { type: "ApiKey", id: key.id, tenantId: key.tenantId, roles: key.roles },
        }));
        await services.apiKeys.revoke(ctx.tenant.id, key.id);
        await services.audit.record({
          ...auditBy(ctx),
          type: "api_key.revoked",
          subjectType: "api_key",
          subjectId: key.id,
        });
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/api-keys"));
      }),
    );
}
