/**
 * /admin/tenants/:tenant/api-keys: the tenant's keys, as /v1/api-keys keeps them — listed (by prefix, never the
 * key), created (Cedar decides apiKeys.create with the roles granted, as on /v1; the key answers to the person
 * who created it, and its raw value is shown in this one answer only, never stored nor shown again) and revoked.
 * A key expires on the day chosen (at the end of that day, UTC), else after the service's default lifetime; the
 * rules (roles present, expiry bounds, audit) are the core's, as on /v1 (src/identity/api-keys/actions.ts).
 */
import { Elysia } from "elysia";
import type { ApiKey } from "../../../identity/api-keys/service.ts";
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
${field({ name: "expires_on", label: t("admin.keys.expiresOn"), type: "date", hint: t("admin.keys.expiresHint") }, state)}
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
        const expiresOn = (formValues(body, ["expires_on"]).expires_on ?? "").trim();
        // A day picked in the form: the key works through that whole day (UTC); a malformed day is refused by the core.
        const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59.999Z`) : undefined;
        const result = await attempt(() => services.apiKeyActions.create(ctx, { name, roles, expiresAt }));
        if (!result.ok) {
          const kept = { ...values, expires_on: expiresOn };
          // The core names the field it refuses; a bad day is shown beside the day, anything else above the form.
          const parts =
            result.error.details?.field === "expires_at"
              ? { state: { values: kept, errors: { expires_on: r.ctx.t("admin.keys.expiresInvalid") } } }
              : { state: { values: kept }, alert: refusalAlert(r.ctx, result.error) };
          return show(r, params.tenant, parts, result.error.status);
        }
        return show(r, params.tenant, { created: { name, raw: result.value.raw } }, 201);
      }),
    )
    .post("/admin/tenants/:tenant/api-keys/revoke", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        await services.apiKeyActions.revoke(ctx, formValues(body, ["id"]).id ?? "");
        return pages.redirect(r.ctx, tenantPath(ctx.tenant.id, "/api-keys"));
      }),
    );
}
