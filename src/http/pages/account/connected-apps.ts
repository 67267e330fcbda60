/**
 * The "Connected applications" section of /account: each OpenID Provider client the person let in (its name,
 * the access granted, since when), with a plain form (CSRF token, works without JavaScript) that revokes it —
 * the grant and every token issued under it (src/identity/oauth-clients/grants.ts; the route:
 * connected-apps-routes.ts).
 */
import { CONSENT_STRINGS } from "../../../i18n/locales/pages/consent.ts";
import type { ConnectedApp, GrantService } from "../../../identity/oauth-clients/grants.ts";
import { type FormState, formMessages, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { type Html, html } from "../html.ts";

/** The grants' view of the identity core that the account page needs. */
export type ConnectedApps = Pick<GrantService, "list" | "revoke">;

export const REVOKE_APP_PATH = "/account/connected-apps/revoke";

export function connectedAppsSection(
  ctx: PageContext,
  apps: readonly ConnectedApp[],
  state: FormState,
  formatDate: (ctx: PageContext, value: Date | undefined) => string,
): Html {
  const { t } = ctx;
  const scopeNames = CONSENT_STRINGS[ctx.locale].scopes;
  const rows = apps.map(
    (app) => html`<tr>
  <td data-label="${t("accountPage.connectedApps.application")}">${app.clientName}</td>
  <td data-label="${t("accountPage.connectedApps.access")}"><ul class="scope-list">${app.scopes.map((scope) => html`<li>${scopeNames[scope] ?? scope}</li>`)}</ul></td>
  <td data-label="${t("accountPage.connectedApps.since")}">${formatDate(ctx, app.grantedAt)}</td>
  <td data-label="${t("accountPage.connectedApps.actions")}">${postForm(
    ctx,
    REVOKE_APP_PATH,
    html`${hidden("client", app.clientId)}<button type="submit" class="button button--secondary button--small">${t("accountPage.connectedApps.revoke", { client: app.clientName })}</button>`,
    "inline-form",
  )}</td>
</tr>`,
  );
  return html`<p class="lead">${t("accountPage.connectedApps.intro")}</p>
${formMessages(state)}
${
  apps.length === 0
    ? html`<p>${t("accountPage.connectedApps.none")}</p>`
    : html`<div class="table-wrap">
<table class="table" id="connected-apps">
  <thead><tr><th scope="col">${t("accountPage.connectedApps.application")}</th><th scope="col">${t("accountPage.connectedApps.access")}</th><th scope="col">${t("accountPage.connectedApps.since")}</th><th scope="col">${t("accountPage.connectedApps.actions")}</th></tr></thead>
  <tbody>${rows}</tbody>
</table>
</div>`
}`;
}
