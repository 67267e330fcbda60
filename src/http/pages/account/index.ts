/**
 * /account: for now, who is signed in and a way out (the full account page — profile, e-mail, password,
 * sessions, two-factor, linked accounts — is built here next). Without a session it sends the visitor to
 * /sign-in and back.
 */
import { Elysia } from "elysia";
import { button, postForm } from "../components.ts";
import { PAGE_ROUTE, type Pages } from "../context.ts";
import { html } from "../html.ts";
import { layout } from "../layout.ts";
import { signedInUser } from "../session.ts";

export function accountPages(pages: Pages) {
  return new Elysia({ name: "pages-account", detail: PAGE_ROUTE }).get("/account", async ({ request }) => {
    const ctx = await pages.context(request);
    const user = await signedInUser(pages, request);
    if (!user) return pages.redirect(ctx, "/sign-in?redirect_to=%2Faccount");
    const { t } = ctx;
    return pages.page(
      ctx,
      layout(
        ctx,
        t("pages.account.title"),
        html`<p class="lead">${t("pages.account.signedInAs", { name: user.name })}</p>
${user.email && html`<p>${user.email}</p>`}
${postForm(ctx, "/sign-out", button(t("pages.signOut.submit"), "secondary"))}`,
      ),
    );
  });
}
