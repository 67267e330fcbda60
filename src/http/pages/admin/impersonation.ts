/**
 * /admin/impersonation: while an admin acts as someone (better-auth's impersonation: the browser holds the
 * user's session, the admin's own is kept aside in its `admin_session` cookie), this page says as whom and
 * offers the way back; stopping restores the admin's session and returns to the user's page in the console.
 * It is reachable with the impersonated session, which the rest of the console refuses.
 */
import { Elysia } from "elysia";
import { button, postForm } from "../components.ts";
import type { PageContext, Pages } from "../context.ts";
import { html } from "../html.ts";
import { type Impersonation, impersonationOf } from "../impersonation.ts";
import { layout } from "../layout.ts";
import { ADMIN_CSS, ADMIN_PAGE_DETAIL } from "./shell.ts";

export function impersonationPages(pages: Pages) {
  const page = (ctx: PageContext, who: Impersonation, error?: string) =>
    layout(
      ctx,
      ctx.t("admin.impersonation.title"),
      html`${error && html`<div class="alert alert--error" role="alert">${error}</div>`}
<p class="lead" data-testid="impersonating">${ctx.t("admin.impersonation.actingAs", { name: who.name })}</p>
<p>${ctx.t("admin.impersonation.explain")}</p>
<ul class="links"><li><a href="/account">${ctx.t("admin.impersonation.openAccount")}</a></li></ul>
${postForm(ctx, "/admin/impersonation/stop", button(ctx.t("admin.impersonation.stop")))}`,
      { wide: true, stylesheets: [ADMIN_CSS], bodyClass: "admin" },
    );
  return new Elysia({ name: "admin-impersonation", detail: ADMIN_PAGE_DETAIL })
    .get("/admin/impersonation", async ({ request }) => {
      const ctx = await pages.context(request);
      const who = await impersonationOf(pages.callAuth, request);
      if (!who) return pages.redirect(ctx, "/admin");
      return pages.page(ctx, page(ctx, who));
    })
    .post("/admin/impersonation/stop", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const who = await impersonationOf(pages.callAuth, request);
      if (!who) return pages.redirect(ctx, "/admin");
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(ctx, page(ctx, who, ctx.t("pages.common.formExpired")), { status: 403 });
      }
      const answer = await pages.callAuth(request, "/admin/stop-impersonating", { body: {} });
      if (!answer.ok)
        return pages.page(ctx, page(ctx, who, ctx.t("pages.common.unexpected")), { status: 400 });
      return pages.redirect(ctx, `/admin/users/${encodeURIComponent(who.userId)}`, answer.cookies);
    });
}
