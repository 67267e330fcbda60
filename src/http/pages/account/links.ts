/**
 * Where better-auth's mailed links of /account return to: the e-mail change (its verify-email link redirects
 * here after each step — the confirmation from the old address, then the verification of the new one — with
 * `?error=<code>` when the link did not work) and the deletion (its delete-user/callback link, once done).
 */
import { Elysia } from "elysia";
import type { Pages } from "../context.ts";
import { html } from "../html.ts";
import { layout } from "../layout.ts";
import { PAGE } from "./actions.ts";
import { loadAccount } from "./data.ts";

export const EMAIL_CHANGED = "/account/email-changed";
export const DELETED = "/account/deleted";

export function accountLinkPages(pages: Pages) {
  return new Elysia({ name: "pages-account-links" })
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
