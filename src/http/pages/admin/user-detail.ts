/**
 * /admin/users/:id: one account — its profile and global role (the account service's update, as /v1 and
 * GeoLens change it), its ban with reason and expiry, impersonation and its sessions (better-auth's admin
 * endpoints, which check the admin's own permission and end the banned user's sessions), a reset mail (the
 * same request the forgot-password page makes) and deletion (the service's removeAccount: never oneself, nor
 * the last admin). Each post answers with a redirect back here and a confirmation.
 */
import { Elysia } from "elysia";
import type { AccountView } from "../../../identity/accounts/view.ts";
import { DEFAULT_TENANT_SLUG } from "../../../identity/tenants/service.ts";
import type { AppError } from "../../../platform/errors.ts";
import type { AuthAnswer } from "../auth-call.ts";
import { button, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { formValues, messageOf } from "../form-errors.ts";
import { type Html, html } from "../html.ts";
import type { AdminServices, Operator } from "./access.ts";
import type { AdminRequest, Handlers } from "./handler.ts";
import { ADMIN_PAGE_DETAIL, adminPage, attempt, dateTime, refusalAlert } from "./shell.ts";
import { statusLabel } from "./user-list.ts";

/** Ban lengths offered, in seconds (better-auth's banExpiresIn); "" is a ban without end. */
const BAN_LENGTHS = { "": 0, "3600": 3600, "86400": 86400, "604800": 604800, "2592000": 2592000 } as const;
type BanLength = keyof typeof BAN_LENGTHS;
/** Confirmations a post redirects back with (`?done=`). */
const DONE = ["saved", "banned", "unbanned", "revoked", "revokedAll", "resetSent", "created"] as const;
type Done = (typeof DONE)[number];

interface SessionRow {
  readonly id: string;
  readonly token: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  readonly impersonatedBy: string | null;
}

interface BanInfo {
  readonly reason: string | null;
  readonly expires: string | null;
}

function sessionsOf(answer: AuthAnswer): SessionRow[] {
  const list = answer.ok ? answer.body?.sessions : undefined;
  return Array.isArray(list) ? (list as SessionRow[]) : [];
}

export function userDetailPages(services: AdminServices, handlers: Handlers) {
  const { pages, access } = handlers;

  async function load(request: Request, id: string) {
    const tenantCtx = await access.tenantContext(request, DEFAULT_TENANT_SLUG);
    const account = await services.accounts.getAccount(tenantCtx, { id });
    return { tenantCtx, account };
  }

  function banLabel(ctx: PageContext, length: BanLength): string {
    return length === "" ? ctx.t("admin.user.banForever") : ctx.t(`admin.user.ban${length}`);
  }

  function detailPage(
    ctx: PageContext,
    operator: Operator,
    account: AccountView,
    sessions: readonly SessionRow[],
    roles: readonly string[],
    alert: Html | false,
    ban: BanInfo | undefined,
  ): Html {
    const { t } = ctx;
    const base = `/admin/users/${encodeURIComponent(account.id)}`;
    const done = ctx.url.searchParams.get("done");
    const notice = DONE.includes(done as Done) && t(`admin.user.done.${done as Done}`);
    const currentRole = account.globalRoles[0] ?? "user";
    const title = account.name ?? account.email ?? account.username ?? account.phoneNumber ?? account.id;
    const self = operator.principal.userId === account.id;
    return adminPage(
      ctx,
      operator,
      "users",
      title,
      html`${alert}${notice && html`<div class="alert alert--info" role="status">${notice}</div>`}
<dl>
<dt>${t("admin.users.email")}</dt><dd>${account.email ?? "—"}${account.email && account.emailVerified ? html` <span class="badge">${t("admin.user.verified")}</span>` : ""}</dd>
<dt>${t("admin.users.username")}</dt><dd>${account.username ?? "—"}</dd>
<dt>${t("admin.users.phone")}</dt><dd>${account.phoneNumber ?? "—"}</dd>
<dt>${t("admin.users.status")}</dt><dd data-testid="status">${statusLabel(ctx, account.status)}</dd>
<dt>${t("admin.users.globalRole")}</dt><dd>${account.globalRoles.join(", ")}</dd>
<dt>${t("admin.users.created")}</dt><dd>${dateTime(ctx, account.createdAt)}</dd>
<dt>${t("admin.user.lastLogin")}</dt><dd>${dateTime(ctx, account.lastLoginAt)}</dd>
</dl>
<section class="panel" aria-labelledby="edit-heading"><h2 id="edit-heading">${t("admin.user.edit")}</h2>
${postForm(
  ctx,
  `${base}/profile`,
  html`<div class="field"><label for="f-name">${t("admin.users.name")}</label><input id="f-name" name="name" value="${account.name ?? ""}"></div>
<div class="field"><label for="f-email">${t("admin.users.email")}</label><input id="f-email" name="email" type="email" value="${account.email ?? ""}"></div>
<div class="field"><label for="f-role">${t("admin.users.globalRole")}</label><select id="f-role" name="globalRole">${roles.map((r) => html`<option value="${r}"${r === currentRole ? html` selected` : ""}>${r}</option>`)}</select></div>
${button(t("admin.user.save"))}`,
)}</section>
<section class="panel" aria-labelledby="ban-heading"><h2 id="ban-heading">${account.banned ? t("admin.user.unban") : t("admin.user.ban")}</h2>
${
  account.banned
    ? html`${ban && html`<p data-testid="ban">${t("admin.user.bannedFor", { reason: ban.reason ?? "—" })} ${ban.expires ? t("admin.user.bannedUntil", { date: dateTime(ctx, ban.expires) }) : t("admin.user.banForever")}</p>`}${postForm(ctx, `${base}/unban`, button(t("admin.user.unban")))}`
    : postForm(
        ctx,
        `${base}/ban`,
        html`<div class="field"><label for="f-reason">${t("admin.user.banReason")}</label><input id="f-reason" name="reason" maxlength="500"></div>
<div class="field"><label for="f-length">${t("admin.user.banLength")}</label><select id="f-length" name="length">${(Object.keys(BAN_LENGTHS) as BanLength[]).map((l) => html`<option value="${l}">${banLabel(ctx, l)}</option>`)}</select></div>
${button(t("admin.user.ban"))}`,
      )
}</section>
<section class="panel" aria-labelledby="actions-heading"><h2 id="actions-heading">${t("admin.user.actions")}</h2>
${!self && postForm(ctx, `${base}/impersonate`, button(t("admin.user.impersonate"), "secondary"), "inline-form")}
${account.email && postForm(ctx, `${base}/reset`, button(t("admin.user.sendReset"), "secondary"), "inline-form")}
${!self && postForm(ctx, `${base}/delete`, html`<div class="field"><label for="f-confirm">${t("admin.user.deleteConfirm")}</label><input id="f-confirm" name="confirm" autocomplete="off"></div>${button(t("admin.user.delete"), "secondary")}`, "form")}
</section>
<section class="panel" aria-labelledby="sessions-heading"><h2 id="sessions-heading">${t("admin.user.sessions")}</h2>
${
  sessions.length === 0
    ? html`<p>${t("admin.user.noSessions")}</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${ctx.t("admin.common.table")}"><table><thead><tr><th scope="col">${t("admin.user.sessionStarted")}</th><th scope="col">${t("admin.user.sessionExpires")}</th><th scope="col">${t("admin.user.sessionAddress")}</th><th scope="col">${t("admin.user.sessionAgent")}</th><th scope="col"><span class="visually-hidden">${t("admin.user.actions")}</span></th></tr></thead><tbody>
${sessions.map(
  (
    s,
  ) => html`<tr><td>${dateTime(ctx, s.createdAt)}</td><td>${dateTime(ctx, s.expiresAt)}</td><td>${s.ipAddress ?? "—"}</td><td>${s.userAgent ?? "—"}${s.impersonatedBy ? html` <span class="badge">${t("admin.user.impersonated")}</span>` : ""}</td>
<td>${postForm(ctx, `${base}/sessions/revoke`, html`${hidden("sessionId", s.id)}<button type="submit" class="button button--secondary button--small">${t("admin.user.revoke")}</button>`, "inline-form")}</td></tr>`,
)}</tbody></table></div>
${postForm(ctx, `${base}/sessions/revoke-all`, button(t("admin.user.revokeAll"), "secondary"))}`
}</section>`,
    );
  }

  /** The reason and end of a ban, as better-auth's admin endpoint reports them (the core's view has neither). */
  async function banOf(request: Request, id: string): Promise<BanInfo | undefined> {
    const answer = await pages.callAuth(request, "/admin/get-user", { query: { id } });
    if (!answer.ok || !answer.body) return undefined;
    const { banReason, banExpires } = answer.body;
    return {
      reason: typeof banReason === "string" && banReason ? banReason : null,
      expires: typeof banExpires === "string" && banExpires ? banExpires : null,
    };
  }

  async function show(r: AdminRequest, id: string, alert: Html | false = false, status = 200) {
    const { account } = await load(r.request, id);
    const ban = account.banned ? await banOf(r.request, id) : undefined;
    const sessions = sessionsOf(
      await pages.callAuth(r.request, "/admin/list-user-sessions", { body: { userId: id } }),
    );
    const roles = await services.globalRoles.list();
    return pages.page(r.ctx, detailPage(r.ctx, r.operator, account, sessions, roles, alert, ban), { status });
  }

  /** Back to the page with a confirmation, or the page again with the refusal above it. */
  const after = (r: AdminRequest, id: string, done: Done) =>
    pages.redirect(r.ctx, `/admin/users/${encodeURIComponent(id)}?done=${done}`);
  const refusedByAuth = (r: AdminRequest, id: string, answer: AuthAnswer) =>
    show(
      r,
      id,
      html`<div class="alert alert--error" role="alert">${messageOf(r.ctx, answer)}</div>`,
      answer.status,
    );
  const refused = (r: AdminRequest, id: string, error: AppError) =>
    show(r, id, refusalAlert(r.ctx, error), error.status);

  /** A post about the account of the path, once it is known to exist and be readable by this operator. */
  const post = (
    id: string,
    request: Request,
    body: unknown,
    act: (r: AdminRequest, values: Record<string, string>) => Promise<Response>,
  ) =>
    handlers.form(request, body, async (r) => {
      await load(request, id);
      return act(
        r,
        formValues(body, ["name", "email", "globalRole", "reason", "length", "sessionId", "confirm"]),
      );
    });

  return new Elysia({ name: "admin-user-detail", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/users/:id", ({ request, params }) => handlers.page(request, (r) => show(r, params.id)))
    .post("/admin/users/:id/profile", ({ request, params, body }) =>
      post(params.id, request, body, async (r, values) => {
        const { tenantCtx, account } = await load(request, params.id);
        const name = values.name?.trim() ?? "";
        const email = values.email?.trim() || null;
        const role = values.globalRole?.trim();
        const result = await attempt(async () => {
          if (name && name !== (account.name ?? ""))
            await services.accounts.update(tenantCtx, account.id, { name });
          await services.accounts.updateAccount(tenantCtx, account.id, {
            ...(email !== account.email ? { email } : {}),
            ...(role ? { globalRoles: [role] } : {}),
          });
        });
        return result.ok ? after(r, params.id, "saved") : refused(r, params.id, result.error);
      }),
    )
    .post("/admin/users/:id/ban", ({ request, params, body }) =>
      post(params.id, request, body, async (r, values) => {
        const length = (values.length ?? "") in BAN_LENGTHS ? ((values.length ?? "") as BanLength) : "";
        const reason = values.reason?.trim().slice(0, 500);
        const answer = await pages.callAuth(request, "/admin/ban-user", {
          body: {
            userId: params.id,
            ...(reason ? { banReason: reason } : {}),
            ...(BAN_LENGTHS[length] ? { banExpiresIn: BAN_LENGTHS[length] } : {}),
          },
        });
        return answer.ok ? after(r, params.id, "banned") : refusedByAuth(r, params.id, answer);
      }),
    )
    .post("/admin/users/:id/unban", ({ request, params, body }) =>
      post(params.id, request, body, async (r) => {
        const answer = await pages.callAuth(request, "/admin/unban-user", { body: { userId: params.id } });
        return answer.ok ? after(r, params.id, "unbanned") : refusedByAuth(r, params.id, answer);
      }),
    )
    .post("/admin/users/:id/impersonate", ({ request, params, body }) =>
      post(params.id, request, body, async (r) => {
        const answer = await pages.callAuth(request, "/admin/impersonate-user", {
          body: { userId: params.id },
        });
        if (!answer.ok) return refusedByAuth(r, params.id, answer);
        // better-auth swapped the session cookie for the user's and kept the admin's aside (admin_session).
        return pages.redirect(r.ctx, "/admin/impersonation", answer.cookies);
      }),
    )
    .post("/admin/users/:id/sessions/revoke", ({ request, params, body }) =>
      post(params.id, request, body, async (r, values) => {
        // The page names a session by its id; its token (the credential) never leaves the server.
        const listed = sessionsOf(
          await pages.callAuth(request, "/admin/list-user-sessions", { body: { userId: params.id } }),
        );
        const session = listed.find((s) => s.id === values.sessionId);
        if (!session) return after(r, params.id, "revoked");
        const answer = await pages.callAuth(request, "/admin/revoke-user-session", {
          body: { sessionToken: session.token },
        });
        return answer.ok ? after(r, params.id, "revoked") : refusedByAuth(r, params.id, answer);
      }),
    )
    .post("/admin/users/:id/sessions/revoke-all", ({ request, params, body }) =>
      post(params.id, request, body, async (r) => {
        const { tenantCtx } = await load(request, params.id);
        const result = await attempt(() => services.accounts.endSessions(tenantCtx, params.id));
        return result.ok ? after(r, params.id, "revokedAll") : refused(r, params.id, result.error);
      }),
    )
    .post("/admin/users/:id/reset", ({ request, params, body }) =>
      post(params.id, request, body, async (r) => {
        const { account } = await load(request, params.id);
        if (!account.email) return after(r, params.id, "resetSent");
        const answer = await pages.callAuth(request, "/request-password-reset", {
          body: { email: account.email, redirectTo: "/reset-password" },
        });
        return answer.ok ? after(r, params.id, "resetSent") : refusedByAuth(r, params.id, answer);
      }),
    )
    .post("/admin/users/:id/delete", ({ request, params, body }) =>
      post(params.id, request, body, async (r, values) => {
        const { tenantCtx, account } = await load(request, params.id);
        // Typing the address (or the id of an account without one) guards against a slip of the mouse.
        const expected = account.email ?? account.username ?? account.id;
        if ((values.confirm ?? "").trim().toLowerCase() !== expected.toLowerCase()) {
          return show(
            r,
            params.id,
            html`<div class="alert alert--error" role="alert">${r.ctx.t("admin.user.deleteMismatch", { expected })}</div>`,
            400,
          );
        }
        const result = await attempt(() => services.accounts.removeAccount(tenantCtx, params.id));
        return result.ok
          ? pages.redirect(r.ctx, "/admin/users?deleted=1")
          : refused(r, params.id, result.error);
      }),
    );
}
