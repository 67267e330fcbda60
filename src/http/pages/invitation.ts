/**
 * /accept-invitation/:id: the invitation mail's link (src/auth/plugins/organization.ts). A visitor who is not
 * signed in is offered sign-in or sign-up, each returning here; a signed-in one sees the tenant, the inviter
 * and the role, and accepts or declines through better-auth's organization endpoints (which check that the
 * invitation is pending, unexpired and addressed to this account).
 */
import { Elysia } from "elysia";
import { button, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { messageOf } from "./form-errors.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { signedInUser } from "./session.ts";
import { withTarget } from "./sign-in.ts";

/** Invitation ids are UUIDs (src/auth/index.ts); anything else is not an invitation of ours. */
const ID = /^[A-Za-z0-9-]{1,64}$/;

export function invitationPages(pages: Pages) {
  const { config } = pages.deps;

  function unavailablePage(ctx: PageContext, message?: string): Html {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.invitation.invalidTitle"),
      html`<p class="lead">${t("pages.invitation.invalid")}</p>${message && html`<p>${message}</p>`}
<p><a class="button button--secondary" href="/account">${t("pages.common.continue")}</a></p>`,
    );
  }

  function signInFirstPage(ctx: PageContext, here: string): Html {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.invitation.title"),
      html`<p class="lead">${t("pages.invitation.signInFirst")}</p>
<div class="actions">
  <a class="button button--primary" href="${withTarget("/sign-in", here)}">${t("pages.signIn.submit")}</a>
  ${config.signUpEnabled && html`<a class="button button--secondary" href="${withTarget("/sign-up", here)}">${t("pages.signIn.signUpLink")}</a>`}
</div>`,
    );
  }

  return new Elysia({ name: "pages-invitation", detail: PAGE_ROUTE })
    .get("/accept-invitation/:id", async ({ request, params }) => {
      const ctx = await pages.context(request);
      if (!ID.test(params.id)) return pages.page(ctx, unavailablePage(ctx), { status: 404 });
      const here = `/accept-invitation/${params.id}`;
      if (!(await signedInUser(pages, request))) return pages.page(ctx, signInFirstPage(ctx, here));
      const answer = await pages.callAuth(request, "/organization/get-invitation", {
        query: { id: params.id },
      });
      if (!answer.ok || !answer.body) {
        return pages.page(ctx, unavailablePage(ctx, messageOf(ctx, answer)), {
          status: answer.status || 404,
        });
      }
      const invitation = answer.body;
      const { t } = ctx;
      const content = html`<p class="lead">${t("pages.invitation.intro", {
        inviter: String(invitation.inviterEmail ?? ""),
        organization: String(invitation.organizationName ?? ""),
        role: String(invitation.role ?? ""),
      })}</p>
<div class="actions">
  ${postForm(ctx, `${here}/accept`, button(t("pages.invitation.accept")), "inline-form")}
  ${postForm(ctx, `${here}/decline`, button(t("pages.invitation.decline"), "secondary"), "inline-form")}
</div>`;
      return pages.page(ctx, layout(ctx, t("pages.invitation.title"), content));
    })
    .post("/accept-invitation/:id/:answer", async ({ request, params, body }) => {
      const ctx = await pages.context(request);
      const accept = params.answer === "accept";
      if (!ID.test(params.id) || (!accept && params.answer !== "decline")) {
        return pages.page(ctx, unavailablePage(ctx), { status: 404 });
      }
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(ctx, unavailablePage(ctx, ctx.t("pages.common.formExpired")), { status: 403 });
      }
      // Read before answering: afterwards better-auth no longer shows it, and the page names the tenant.
      const before = await pages.callAuth(request, "/organization/get-invitation", {
        query: { id: params.id },
      });
      const answer = await pages.callAuth(
        request,
        accept ? "/organization/accept-invitation" : "/organization/reject-invitation",
        { body: { invitationId: params.id } },
      );
      if (!answer.ok)
        return pages.page(ctx, unavailablePage(ctx, messageOf(ctx, answer)), { status: answer.status });
      const { t } = ctx;
      const organization = String(before.body?.organizationName ?? "");
      const title = accept
        ? t("pages.invitation.acceptedTitle", { organization })
        : t("pages.invitation.declinedTitle");
      const text = accept ? t("pages.invitation.accepted", { organization }) : t("pages.invitation.declined");
      return pages.page(
        ctx,
        layout(
          ctx,
          title,
          html`<p class="lead">${text}</p><p><a class="button button--primary button--block" href="/account">${t("pages.common.continue")}</a></p>`,
        ),
      );
    });
}
