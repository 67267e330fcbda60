/**
 * /sign-out: a confirmation with a button (a GET must not sign anyone out: any site could link to it), whose
 * post ends the session at better-auth and clears its cookies.
 */
import { Elysia } from "elysia";
import { button, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";

export function signOutPages(pages: Pages) {
  const confirmPage = (ctx: PageContext, formError?: string) =>
    layout(
      ctx,
      ctx.t("pages.signOut.title"),
      html`${formError && html`<div class="alert alert--error" role="alert">${formError}</div>`}
<p class="lead">${ctx.t("pages.signOut.intro", { app: ctx.brand.appName })}</p>
${postForm(ctx, "/sign-out", button(ctx.t("pages.signOut.submit")))}`,
    );
  return new Elysia({ name: "pages-sign-out", detail: PAGE_ROUTE })
    .get("/sign-out", async ({ request }) => {
      const ctx = await pages.context(request);
      return pages.page(ctx, confirmPage(ctx));
    })
    .post("/sign-out", async ({ request, body }) => {
      const ctx = await pages.context(request);
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(ctx, confirmPage(ctx, ctx.t("pages.common.formExpired")), { status: 403 });
      }
      const answer = await pages.callAuth(request, "/sign-out", { body: {} });
      return pages.redirect(ctx, "/sign-in", answer.cookies);
    });
}
