/**
 * The console's frame: the hosted pages' layout (wide, with the console's stylesheet) and a navigation that
 * shows only what the operator may open — the platform sections for platform admins, their own tenants for
 * tenant owners and admins. Refusals of the core are shown with their message in the operator's language and
 * the notices of the rules that decided (src/identity/guard.ts).
 */
import { errorMessage } from "../../../i18n/index.ts";
import { AppError } from "../../../platform/errors.ts";
import type { PageContext } from "../context.ts";
import { type Html, html, type Renderable } from "../html.ts";
import { layout } from "../layout.ts";
import type { Operator } from "./access.ts";

export const ADMIN_CSS = "/admin/assets/admin.css";

/** The console's routes are HTML for people, not API operations: left out of /openapi.json, as every page is. */
export const ADMIN_PAGE_DETAIL = { hide: true } as const;

export type Section = "home" | "users" | "roles" | "tenants" | "audit" | "health";

function nav(ctx: PageContext, operator: Operator, current: Section | string): Html {
  const { t } = ctx;
  const item = (href: string, label: string, key: string) =>
    html`<li><a href="${href}"${current === key ? html` aria-current="page"` : ""}>${label}</a></li>`;
  const platform = operator.isPlatformAdmin;
  return html`<nav class="admin-nav" aria-label="${t("admin.nav.label")}"><ul>
${item("/admin", t("admin.nav.home"), "home")}
${platform && item("/admin/users", t("admin.nav.users"), "users")}
${platform && item("/admin/roles", t("admin.nav.roles"), "roles")}
${item("/admin/tenants", t("admin.nav.tenants"), "tenants")}
${platform && item("/admin/audit", t("admin.nav.audit"), "audit")}
${platform && item("/admin/health", t("admin.nav.health"), "health")}
</ul></nav>`;
}

export function adminPage(
  ctx: PageContext,
  operator: Operator,
  current: Section | string,
  title: string,
  content: Renderable,
): Html {
  return layout(ctx, title, html`${nav(ctx, operator, current)}${content}`, {
    wide: true,
    stylesheets: [ADMIN_CSS],
    bodyClass: "admin",
  });
}

/** The message and notices of a refusal of the core, in the page's language. */
export function refusalText(
  ctx: PageContext,
  error: AppError,
): { message: string; notices: readonly string[] } {
  // tenant_mismatch words the API's header; in the console it means a tenant this person does not manage.
  const message =
    error.code === "tenant_mismatch"
      ? ctx.t("admin.common.otherTenant")
      : (errorMessage(ctx.locale, error.code, { ...(error.details ?? {}) }) ??
        ctx.t("pages.common.unexpected"));
  return { message, notices: error.notices ?? [] };
}

/** A refusal shown above a form or a section: the message, then each deciding rule's notice. */
export function refusalAlert(ctx: PageContext, error: AppError): Html {
  const { message, notices } = refusalText(ctx, error);
  const details = validationMessages(error);
  return html`<div class="alert alert--error" role="alert"><p>${message}</p>${
    notices.length > 0 &&
    html`<ul class="notices" aria-label="${ctx.t("admin.common.notices")}">${notices.map((n) => html`<li>${n}</li>`)}</ul>`
  }${details.length > 0 && html`<ul class="notices">${details.map((d) => html`<li>${d}</li>`)}</ul>`}</div>`;
}

/** Cedar's messages of a rule that does not validate (src/identity/policies/service.ts puts them in details). */
function validationMessages(error: AppError): string[] {
  const errors = error.details?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((entry) =>
    typeof entry === "string" ? entry : String((entry as { message?: unknown })?.message ?? ""),
  );
}

/** The whole page a refused GET answers (another tenant's page, an action Cedar denies). */
export function refusalPage(ctx: PageContext, operator: Operator | undefined, error: AppError): Html {
  const title =
    error.status === 404 ? ctx.t("pages.errorPage.notFoundTitle") : ctx.t("pages.errorPage.forbiddenTitle");
  const body = html`${refusalAlert(ctx, error)}<p><a href="/admin">${ctx.t("admin.common.backHome")}</a></p>`;
  if (!operator)
    return layout(ctx, title, body, { wide: true, stylesheets: [ADMIN_CSS], bodyClass: "admin" });
  return adminPage(ctx, operator, "", title, body);
}

/**
 * Runs a call of the core; a refusal comes back as a value — an AppError below 500, or better-auth's APIError
 * (the core creates accounts through better-auth, whose username rule answers with its own codes) — and
 * anything else is thrown to the error renderer.
 */
export async function attempt<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: AppError }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return { ok: false, error };
    const refusal = betterAuthRefusal(error);
    if (refusal) return { ok: false, error: refusal };
    throw error;
  }
}

function betterAuthRefusal(error: unknown): AppError | undefined {
  if (!(error instanceof Error) || error.name !== "APIError") return undefined;
  const { statusCode, body } = error as Error & { statusCode?: unknown; body?: { code?: unknown } };
  if (typeof statusCode !== "number" || statusCode >= 500 || typeof body?.code !== "string") return undefined;
  return new AppError(body.code, statusCode, error.message);
}

export function dateTime(ctx: PageContext, value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  return new Intl.DateTimeFormat(ctx.locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  }).format(date);
}
