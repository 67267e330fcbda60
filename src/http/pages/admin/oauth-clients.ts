/**
 * /admin/tenants/:tenant/oauth-clients: the tenant's OAuth clients (relying parties of the OpenID Provider), as
 * /v1/oauth-clients keeps them — listed, registered (the secret shown in that one answer only), edited (name,
 * redirect URIs, post-logout URIs), their secret rotated (shown once again) and deleted. Every action calls the
 * same service as /v1 (src/identity/oauth-clients/service.ts) with the console's V1Context, so Cedar decides:
 * owners and admins act on their own tenant only, and only platform admins mark a client first-party (the
 * checkbox is shown to them alone; a forged one is refused by the rules). A refusal of the service (a malformed
 * URI, too many of them) is shown above the form with its status, never as a 500.
 */
import { Elysia } from "elysia";
import type { V1Context } from "../../../identity/context.ts";
import type { OAuthClient } from "../../../identity/oauth-clients/model.ts";
import { button, type FormState, field, formMessages, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, missingFields } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { AdminRequest, Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, dateTime, refusalAlert } from "./shell.ts";
import { tenantNav, tenantPath } from "./tenants.ts";

const clientsPath = (tenant: string, rest = "") => tenantPath(tenant, `/oauth-clients${rest}`);
const clientPath = (tenant: string, id: string, rest = "") =>
  clientsPath(tenant, `/${encodeURIComponent(id)}${rest}`);

/** One URI per line (or separated by spaces), as a person pastes them; the service checks each. */
function uriList(value: string | undefined): string[] {
  return (value ?? "")
    .split(/\s+/)
    .map((uri) => uri.trim())
    .filter(Boolean);
}

function uriArea(ctx: PageContext, name: string, label: string, value: string, idPrefix: string): Html {
  const id = `${idPrefix}-${name}`;
  return html`<div class="field"><label for="${id}">${label}</label>
<p class="field-hint" id="${id}-hint">${ctx.t("admin.oauthClients.urisHint")}</p>
<textarea id="${id}" name="${name}" rows="3" aria-describedby="${id}-hint" spellcheck="false">${value}</textarea></div>`;
}

function firstPartyBox(
  ctx: PageContext,
  operator: Operator,
  checked: boolean,
  idPrefix: string,
): Html | false {
  return (
    operator.isPlatformAdmin &&
    html`<div class="field field--check"><input id="${idPrefix}-first-party" name="first_party" type="checkbox" value="yes"${checked ? html` checked` : ""}>
<label for="${idPrefix}-first-party">${ctx.t("admin.oauthClients.firstParty")}</label></div>`
  );
}

function secretAlert(ctx: PageContext, name: string, secret: string | null): Html | false {
  return (
    secret !== null &&
    html`<div class="alert alert--info" role="status"><p>${ctx.t("admin.oauthClients.secretShownOnce", { name })}</p><p class="secret" data-testid="new-secret">${secret}</p></div>`
  );
}

interface ListParts {
  readonly state?: FormState;
  readonly alert?: Html | false;
  readonly created?: { client: OAuthClient; secret: string | null };
}

interface EditParts {
  readonly state?: FormState;
  readonly alert?: Html | false;
  readonly secret?: string | null;
  readonly saved?: boolean;
}

export function oauthClientPages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;

  function listPage(
    ctx: PageContext,
    operator: Operator,
    tenant: V1Context["tenant"],
    clients: readonly OAuthClient[],
    parts: ListParts,
  ): Html {
    const { t } = ctx;
    const state = parts.state ?? {};
    const values = state.values ?? {};
    const rows = clients.map(
      (client) =>
        html`<tr><td><a href="${clientPath(tenant.id, client.id)}">${client.name}</a>${
          client.firstParty && html` <span class="badge">${t("admin.oauthClients.firstPartyBadge")}</span>`
        }</td><td><code>${client.id}</code></td><td>${
          client.type === "public" ? t("admin.oauthClients.public") : t("admin.oauthClients.confidential")
        }</td><td>${dateTime(ctx, client.createdAt)}</td></tr>`,
    );
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.oauthClients.title", { name: tenant.name }),
      html`${tenantNav(ctx, tenant.id, "oauthClients")}
${parts.created && secretAlert(ctx, parts.created.client.name, parts.created.secret)}
${parts.created && html`<p>${t("admin.oauthClients.clientId")}: <code data-testid="new-client-id">${parts.created.client.id}</code></p>`}
${
  clients.length === 0
    ? html`<p>${t("admin.oauthClients.none")}</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.oauthClients.name")}</th><th scope="col">${t("admin.oauthClients.clientId")}</th><th scope="col">${t("admin.oauthClients.type")}</th><th scope="col">${t("admin.oauthClients.created")}</th></tr></thead><tbody>${rows}</tbody></table></div>`
}
<section class="panel" aria-labelledby="new-client"><h2 id="new-client">${t("admin.oauthClients.create")}</h2>
${parts.alert}${formMessages(state)}${postForm(
  ctx,
  clientsPath(tenant.id),
  html`${field({ name: "name", label: t("admin.oauthClients.name"), autocomplete: "off", required: true, idPrefix: "new" }, state)}
<div class="field"><label for="new-type">${t("admin.oauthClients.type")}</label><select id="new-type" name="type">
<option value="confidential"${values.type !== "public" ? html` selected` : ""}>${t("admin.oauthClients.confidential")}</option>
<option value="public"${values.type === "public" ? html` selected` : ""}>${t("admin.oauthClients.public")}</option>
</select></div>
${uriArea(ctx, "redirect_uris", t("admin.oauthClients.redirectUris"), values.redirect_uris ?? "", "new")}
${uriArea(ctx, "post_logout_redirect_uris", t("admin.oauthClients.postLogoutUris"), values.post_logout_redirect_uris ?? "", "new")}
${firstPartyBox(ctx, operator, values.first_party === "yes", "new")}
${button(t("admin.oauthClients.create"))}`,
)}</section>`,
    );
  }

  function editPage(
    ctx: PageContext,
    operator: Operator,
    tenant: V1Context["tenant"],
    client: OAuthClient,
    parts: EditParts,
  ): Html {
    const { t } = ctx;
    const state = parts.state ?? {};
    const values = state.values ?? {
      name: client.name,
      redirect_uris: client.redirectUris.join("\n"),
      post_logout_redirect_uris: client.postLogoutRedirectUris.join("\n"),
      first_party: client.firstParty ? "yes" : "",
    };
    return adminPage(
      ctx,
      operator,
      "tenants",
      t("admin.oauthClients.editTitle", { name: client.name }),
      html`${tenantNav(ctx, tenant.id, "oauthClients")}
<p><a href="${clientsPath(tenant.id)}">${t("admin.oauthClients.back")}</a></p>
${parts.saved && html`<div class="alert alert--info" role="status">${t("admin.oauthClients.saved")}</div>`}
${parts.secret !== undefined && secretAlert(ctx, client.name, parts.secret)}
<p>${t("admin.oauthClients.clientId")}: <code>${client.id}</code> · ${
        client.type === "public" ? t("admin.oauthClients.public") : t("admin.oauthClients.confidential")
      }</p>
<section class="panel" aria-labelledby="edit-client"><h2 id="edit-client">${t("admin.oauthClients.edit")}</h2>
${parts.alert}${formMessages(state)}${postForm(
  ctx,
  clientPath(tenant.id, client.id),
  html`${field({ name: "name", label: t("admin.oauthClients.name"), autocomplete: "off", required: true, idPrefix: "edit" }, { ...state, values })}
${uriArea(ctx, "redirect_uris", t("admin.oauthClients.redirectUris"), values.redirect_uris ?? "", "edit")}
${uriArea(ctx, "post_logout_redirect_uris", t("admin.oauthClients.postLogoutUris"), values.post_logout_redirect_uris ?? "", "edit")}
${firstPartyBox(ctx, operator, values.first_party === "yes", "edit")}
${hidden("form", "edit")}${button(t("admin.oauthClients.save"))}`,
)}</section>
${
  client.hasSecret
    ? html`<section class="panel" aria-labelledby="rotate-client"><h2 id="rotate-client">${t("admin.oauthClients.rotate")}</h2><p>${t("admin.oauthClients.rotateHint")}</p>${postForm(ctx, clientPath(tenant.id, client.id, "/rotate-secret"), button(t("admin.oauthClients.rotate"), "secondary"))}</section>`
    : html`<p>${t("admin.oauthClients.noSecret")}</p>`
}
<section class="panel" aria-labelledby="delete-client"><h2 id="delete-client">${t("admin.oauthClients.delete")}</h2><p>${t("admin.oauthClients.deleteHint")}</p>${postForm(
        ctx,
        clientPath(tenant.id, client.id, "/delete"),
        html`<button type="submit" class="button button--danger">${t("admin.oauthClients.delete")}</button>`,
      )}</section>`,
    );
  }

  async function showList(r: AdminRequest, tenant: string, parts: ListParts = {}, status = 200) {
    const ctx = await access.tenantContext(r.request, tenant);
    const clients = await services.oauthClients.list(ctx);
    return pages.page(r.ctx, listPage(r.ctx, r.operator, ctx.tenant, clients, parts), { status });
  }

  async function showClient(
    r: AdminRequest,
    tenant: string,
    id: string,
    parts: EditParts = {},
    status = 200,
  ) {
    const ctx = await access.tenantContext(r.request, tenant);
    const client = await services.oauthClients.get(ctx, id);
    return pages.page(r.ctx, editPage(r.ctx, r.operator, ctx.tenant, client, parts), { status });
  }

  /** The first-party box as posted: only a platform admin's form has it; others leave the flag as it is. */
  const firstPartyOf = (operator: Operator, values: Record<string, string>) =>
    operator.isPlatformAdmin || values.first_party !== undefined ? values.first_party === "yes" : undefined;

  const FIELDS = ["name", "type", "redirect_uris", "post_logout_redirect_uris", "first_party"];

  return new Elysia({ name: "admin-oauth-clients", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/tenants/:tenant/oauth-clients", ({ request, params }) =>
      handlers.page(request, (r) => showList(r, params.tenant)),
    )
    .post("/admin/tenants/:tenant/oauth-clients", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const values = formValues(body, FIELDS);
        const errors = missingFields(r.ctx, values, ["name"]);
        if (errors) return showList(r, params.tenant, { state: { values, errors } }, 400);
        const firstParty = firstPartyOf(r.operator, values);
        const result = await attempt(() =>
          services.oauthClients.create(ctx, {
            name: (values.name ?? "").trim(),
            type: values.type === "public" ? "public" : "confidential",
            redirectUris: uriList(values.redirect_uris),
            postLogoutRedirectUris: uriList(values.post_logout_redirect_uris),
            ...(firstParty !== undefined ? { firstParty } : {}),
          }),
        );
        if (!result.ok) {
          const parts = { state: { values }, alert: refusalAlert(r.ctx, result.error) };
          return showList(r, params.tenant, parts, result.error.status);
        }
        return showList(r, params.tenant, { created: result.value }, 201);
      }),
    )
    .get("/admin/tenants/:tenant/oauth-clients/:id", ({ request, params, query }) =>
      handlers.page(request, (r) => showClient(r, params.tenant, params.id, { saved: query.saved === "1" })),
    )
    .post("/admin/tenants/:tenant/oauth-clients/:id", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const values = formValues(body, FIELDS);
        const errors = missingFields(r.ctx, values, ["name"]);
        if (errors) return showClient(r, params.tenant, params.id, { state: { values, errors } }, 400);
        const firstParty = firstPartyOf(r.operator, values);
        const result = await attempt(() =>
          services.oauthClients.update(ctx, params.id, {
            name: (values.name ?? "").trim(),
            redirectUris: uriList(values.redirect_uris),
            postLogoutRedirectUris: uriList(values.post_logout_redirect_uris),
            ...(firstParty !== undefined ? { firstParty } : {}),
          }),
        );
        if (!result.ok) {
          const parts = { state: { values }, alert: refusalAlert(r.ctx, result.error) };
          return showClient(r, params.tenant, params.id, parts, result.error.status);
        }
        return pages.redirect(r.ctx, `${clientPath(ctx.tenant.id, params.id)}?saved=1`);
      }),
    )
    .post("/admin/tenants/:tenant/oauth-clients/:id/rotate-secret", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        const result = await attempt(() => services.oauthClients.rotateSecret(ctx, params.id));
        if (!result.ok) {
          const parts = { alert: refusalAlert(r.ctx, result.error) };
          return showClient(r, params.tenant, params.id, parts, result.error.status);
        }
        return showClient(r, params.tenant, params.id, { secret: result.value.secret });
      }),
    )
    .post("/admin/tenants/:tenant/oauth-clients/:id/delete", ({ request, params, body }) =>
      handlers.form(request, body, async (r) => {
        const ctx = await access.tenantContext(request, params.tenant);
        await services.oauthClients.delete(ctx, params.id);
        return pages.redirect(r.ctx, clientsPath(ctx.tenant.id));
      }),
    );
}
