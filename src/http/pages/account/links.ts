/**
 * Where better-auth's mailed links of /account return to: the e-mail change (its verify-email link redirects
 * here after each step — the confirmation from the old address, then the verification of the new one — with
 * `?error=<code>` when the link did not work) and the deletion. The deletion mail links to DELETE_CONFIRM, a
 * page, not to the API: better-auth's delete-user/callback deletes only with the account's own session (it
 * answers a JSON 404 without one), so the page asks to sign in on this browser first, then confirms with a
 * button (a GET never deletes: mail scanners open links), calls the callback and lands on DELETED.
 */
import { Elysia } from "elysia";
import { button, hidden, postForm } from "../components.ts";
import type { PageContext, Pages } from "../context.ts";
import { type Html, html } from "../html.ts";
import { layout } from "../layout.ts";
import { PAGE } from "./actions.ts";
import { loadAccount } from "./data.ts";

export const EMAIL_CHANGED = "/account/email-changed";
export const DELETED = "/account/deleted";
/** The page the deletion mail links to (src/auth/index.ts builds the link). */
export const DELETE_CONFIRM = "/account/confirm-delete";

const tokenOf = (value: unknown) => (typeof value === "string" ? value.slice(0, 512) : "");

export function accountLinkPages(pages: Pages) {
  const signedIn = async (request: Request) => {
    if (!(request.headers.get("cookie") ?? "").includes("session_token")) return false;
    const answer = await pages.callAuth(request, "/get-session");
    return answer.ok && typeof (answer.body?.user as { id?: unknown } | undefined)?.id === "string";
  };
  const confirmPage = (ctx: PageContext, token: string, alert?: Html) =>
    layout(
      ctx,
      ctx.t("accountPage.delete.confirmTitle"),
      html`${alert}<p class="lead">${ctx.t("accountPage.delete.confirmIntro")}</p>
${postForm(ctx, DELETE_CONFIRM, html`${hidden("token", token)}${button(ctx.t("accountPage.delete.confirmButton"))}`)}`,
    );
  const signInPage = (ctx: PageContext, token: string) =>
    layout(
      ctx,
      ctx.t("accountPage.delete.confirmTitle"),
      html`<p class="lead">${ctx.t("accountPage.delete.signInFirst")}</p>
<p><a class="button button--primary button--block" href="/sign-in?redirect_to=${encodeURIComponent(`${DELETE_CONFIRM}?token=${encodeURIComponent(token)}`)}">${ctx.t("accountPage.delete.signIn")}</a></p>`,
    );
  return new Elysia({ name: "pages-account-links" })
    .get(
      DELETE_CONFIRM,
      async ({ request, query }) => {
        const ctx = await pages.context(request);
        const token = tokenOf(query.token);
        if (!(await signedIn(request))) return pages.page(ctx, signInPage(ctx, token), { status: 401 });
        return pages.page(ctx, confirmPage(ctx, token));
      },
      PAGE,
    )
    .post(
      DELETE_CONFIRM,
      async ({ request, body }) => {
        const ctx = await pages.context(request);
        const token = tokenOf((body as Record<string, unknown> | undefined)?.token);
        if (!(await signedIn(request))) return pages.page(ctx, signInPage(ctx, token), { status: 401 });
        if (!pages.csrfOk(ctx, body)) {
          const expired = html`<div class="alert alert--error" role="alert">${ctx.t("pages.common.formExpired")}</div>`;
          return pages.page(ctx, confirmPage(ctx, token, expired), { status: 403 });
        }
        const answer = await pages.callAuth(request, "/delete-user/callback", { query: { token } });
        if (!answer.ok) {
          const failed = html`<div class="alert alert--error" role="alert">${ctx.t("accountPage.delete.linkFailed")}</div>`;
          return pages.page(ctx, layout(ctx, ctx.t("accountPage.delete.confirmTitle"), failed), {
            status: 400,
          });
        }
        return pages.redirect(ctx, DELETED, answer.cookies);
      },
      PAGE,
    )
    .get(
      DELETED,
      async ({ request }) => {
        const ctx = await pages.context(request);
        return pages.page(
          ctx,
          layout(
            ctx,
            ctx.t("accountPage.delete.deletedTitle"),
            html`<p class="lead">${ctx.t("accountPage.delete.deleted")}</p>
<p><a class="button button--primary button--block" href="/sign-in">${ctx.t("pages.common.backToSignIn")}</a></p>`,
          ),
        );
      },
      PAGE,
    )
    .get(
      EMAIL_CHANGED,
      async ({ request, query }) => {
        const ctx = await pages.context(request);
        const failed = query.error !== undefined;
        const data = failed ? undefined : await loadAccount(pages, request);
        const content = failed
          ? html`<div class="alert alert--error" role="alert">${ctx.t("accountPage.emailChanged.failed")}</div>`
          : html`<p class="lead">${ctx.t("accountPage.emailChanged.done")}</p>
${data?.user.email && html`<p>${ctx.t("accountPage.emailChanged.current", { email: data.user.email })}</p>`}`;
        return pages.page(
          ctx,
          layout(
            ctx,
            ctx.t("accountPage.emailChanged.title"),
            html`${content}<p><a class="button button--primary button--block" href="/account">${ctx.t("accountPage.twoFactor.back")}</a></p>`,
          ),
          { status: failed ? 400 : 200 },
        );
      },
      PAGE,
    );
}
