/**
 * The list of a tenant's users, as GET /v1/users gives it (the account service's `list`, decided by Cedar):
 * a search over e-mail, name, username and phone, filters by status and role, and the service's cursor paging
 * — each page starts after the last row of the previous one, so it stays as fast on the millionth user as on
 * the first. `/admin/users` is this list in `default`, where every account is a member.
 */
import type { TenantUserView, UserStatus } from "../../../identity/accounts/view.ts";
import type { V1Context } from "../../../identity/context.ts";
import type { PageContext } from "../context.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices } from "./access.ts";
import { dateTime } from "./shell.ts";

/** One screenful: enough to scan, few enough to render at once. */
export const PAGE_SIZE = 50;
const STATUSES: readonly UserStatus[] = ["active", "pending", "disabled"];
/** The longest search and role accepted (a longer one cannot match an e-mail address or a role name). */
const MAX_QUERY = 200;

export interface ListFilters {
  readonly q?: string;
  readonly status?: UserStatus;
  readonly role?: string;
  readonly cursor?: string;
}

export function filtersOf(url: URL): ListFilters {
  const text = (name: string) => url.searchParams.get(name)?.trim().slice(0, MAX_QUERY) || undefined;
  const status = text("status");
  return {
    q: text("q"),
    status: STATUSES.includes(status as UserStatus) ? (status as UserStatus) : undefined,
    role: text("role"),
    cursor: text("cursor"),
  };
}

function query(filters: ListFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.status) params.set("status", filters.status);
  if (filters.role) params.set("role", filters.role);
  if (cursor) params.set("cursor", cursor);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export async function listUsers(services: AdminServices, tenantCtx: V1Context, filters: ListFilters) {
  return services.accounts.list(tenantCtx, {
    limit: PAGE_SIZE,
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.status ? { status: filters.status } : {}),
  });
}

export function statusLabel(ctx: PageContext, status: UserStatus): string {
  return ctx.t(`admin.status.${status}`);
}

export function userTable(
  ctx: PageContext,
  rows: readonly TenantUserView[],
  linkOf: (user: TenantUserView) => string,
): Html {
  const { t } = ctx;
  if (rows.length === 0) return html`<p role="status">${t("admin.users.none")}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${ctx.t("admin.common.table")}"><table>
<caption class="visually-hidden">${t("admin.users.caption")}</caption>
<thead><tr><th scope="col">${t("admin.users.name")}</th><th scope="col">${t("admin.users.email")}</th><th scope="col">${t("admin.users.username")}</th><th scope="col">${t("admin.users.phone")}</th><th scope="col">${t("admin.users.status")}</th><th scope="col">${t("admin.users.roles")}</th><th scope="col">${t("admin.users.created")}</th></tr></thead>
<tbody>
${rows.map(
  (user) => html`<tr>
<td><a href="${linkOf(user)}">${user.name ?? user.email ?? user.username ?? user.phoneNumber ?? user.id}</a></td>
<td>${user.email ?? "—"}</td><td>${user.username ?? "—"}</td><td>${user.phoneNumber ?? "—"}</td>
<td>${statusLabel(ctx, user.status)}</td><td>${user.roles.join(", ")}</td><td>${dateTime(ctx, user.createdAt)}</td>
</tr>`,
)}
</tbody></table></div>`;
}

/** The search form (GET, so a result is a link one can share) and the list with its "next page" link. */
export function userListSection(
  ctx: PageContext,
  basePath: string,
  filters: ListFilters,
  page: { data: readonly TenantUserView[]; nextCursor: string | null },
  roles: readonly string[],
  linkOf: (user: TenantUserView) => string,
): Html {
  const { t } = ctx;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;
  return html`<form class="filters" method="get" action="${basePath}" role="search">
<div class="field"><label for="filter-q">${t("admin.users.search")}</label>
<input id="filter-q" name="q" type="search" value="${filters.q ?? ""}" aria-describedby="filter-q-hint">
<p class="field-hint" id="filter-q-hint">${t("admin.users.searchHint")}</p></div>
<div class="field"><label for="filter-status">${t("admin.users.status")}</label>
<select id="filter-status" name="status">${option("", t("admin.users.any"), !filters.status)}${STATUSES.map((s) => option(s, statusLabel(ctx, s), filters.status === s))}</select></div>
<div class="field"><label for="filter-role">${t("admin.users.role")}</label>
<select id="filter-role" name="role">${option("", t("admin.users.any"), !filters.role)}${roles.map((r) => option(r, r, filters.role === r))}</select></div>
<button type="submit" class="button button--primary">${t("admin.users.apply")}</button>
</form>
${userTable(ctx, page.data, linkOf)}
<p class="actions">${filters.cursor && html`<a class="button button--secondary" href="${basePath}${query(filters)}">${t("admin.users.firstPage")}</a> `}${
    page.nextCursor &&
    html`<a class="button button--secondary" rel="next" href="${basePath}${query(filters, page.nextCursor)}">${t("admin.users.nextPage")}</a>`
  }</p>`;
}
