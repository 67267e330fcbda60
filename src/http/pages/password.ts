/**
 * /forgot-password and /reset-password: the mailed reset link is better-auth's, which checks the token and
 * redirects here with `?token=` (or `?error=INVALID_TOKEN`; src/auth/index.ts points it at this page). The new
 * password goes to better-auth's reset endpoint, which applies the password rules and ends every session.
 */
import { Elysia } from "elysia";
import { PASSWORD_MIN } from "../../auth/account-rules.ts";
import { button, type FormState, field, formMessages, hidden, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { formValues, missingFields, refusedForm } from "./form-errors.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";

/** A reset token as better-auth makes them (24 random characters); anything else is refused unsent. */
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

export function passwordPages(pages: Pages) {
  function forgotPage(ctx: PageContext, state: FormState = {}) {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.forgot.title"),
      html`<p class="lead">${t("pages.forgot.intro")}</p>
${formMessages(state)}
${postForm(
  ctx,
  "/forgot-password",
  html`${field({ name: "email", label: t("pages.common.email"), type: "email", autocomplete: "email", required: true, autofocus: true }, state)}
${button(t("pages.forgot.submit"))}`,
)}
<ul class="links"><li><a href="/sign-in">${t("pages.common.backToSignIn")}</a></li></ul>`,
    );
  }

  function resetPage(ctx: PageContext, token: string, state: FormState = {}) {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.reset.title"),
      html`${formMessages(state)}
${postForm(
  ctx,
  "/reset-password",
  html`${field({ name: "password", label: t("pages.reset.newPassword"), type: "password", autocomplete: "new-password", required: true, autofocus: true, hint: t("pages.signUp.passwordHint", { min: PASSWORD_MIN }) }, state)}
${field({ name: "confirm", label: t("pages.reset.confirm"), type: "password", autocomplete: "new-password", required: true }, state)}
${hidden("token", token)}
${button(t("pages.reset.submit"))}`,
)}`,
    );
  }

  function invalidLinkPage(ctx: PageContext) {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.reset.invalidTitle"),
      html`<p class="lead">${t("pages.reset.invalid")}</p>
<p><a class="button button--primary button--block" href="/forgot-password">${t("pages.reset.requestNew")}</a></p>`,
    );
  }

  return new Elysia({ name: "pages-password", detail: PAGE_ROUTE })
    .get("/forgot-password", async ({ request }) => {
      const ctx = await pages.context(request);
      return pages.page(ctx, forgotPage(ctx));
    })
    .post("/forgot-password", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, ["email"]);
      const keep = { email: values.email ?? "" };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          forgotPage(ctx, { values: keep, formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["email"]);
      if (errors) return pages.page(ctx, forgotPage(ctx, { values: keep, errors }), { status: 400 });
      const email = (values.email ?? "").trim();
      const answer = await pages.callAuth(request, "/request-password-reset", {
        body: { email, redirectTo: "/reset-password" },
      });
      if (!answer.ok) {
        return pages.page(ctx, forgotPage(ctx, refusedForm(ctx, answer, keep, ["email"])), {
          status: answer.status,
        });
      }
      // The same answer whether or not the account exists (better-auth's too).
      return pages.page(
        ctx,
        layout(
          ctx,
          ctx.t("pages.forgot.sentTitle"),
          html`<p class="lead">${ctx.t("pages.forgot.sent", { email })}</p>
<ul class="links"><li><a href="/sign-in">${ctx.t("pages.common.backToSignIn")}</a></li></ul>`,
        ),
      );
    })
    .get("/reset-password", async ({ request, query }) => {
      const ctx = await pages.context(request);
      const token = typeof query.token === "string" ? query.token : "";
      if (query.error !== undefined || !TOKEN.test(token))
        return pages.page(ctx, invalidLinkPage(ctx), { status: 400 });
      return pages.page(ctx, resetPage(ctx, token));
    })
    .post("/reset-password", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, ["password", "confirm", "token"]);
      const token = values.token ?? "";
      if (!TOKEN.test(token)) return pages.page(ctx, invalidLinkPage(ctx), { status: 400 });
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(ctx, resetPage(ctx, token, { formError: ctx.t("pages.common.formExpired") }), {
          status: 403,
        });
      }
      const errors = missingFields(ctx, values, ["password", "confirm"]);
      if (errors) return pages.page(ctx, resetPage(ctx, token, { errors }), { status: 400 });
      if (values.password !== values.confirm) {
        return pages.page(
          ctx,
          resetPage(ctx, token, { errors: { confirm: ctx.t("pages.reset.mismatch") } }),
          {
            status: 400,
          },
        );
      }
      const answer = await pages.callAuth(request, "/reset-password", {
        body: { newPassword: values.password ?? "", token },
      });
      if (!answer.ok) {
        if (answer.code === "INVALID_TOKEN")
          return pages.page(ctx, invalidLinkPage(ctx), { status: answer.status });
        // A refused password (too short, too common) beside the field, anything else above the form.
        const state = refusedForm(ctx, answer, {}, ["password"]);
        return pages.page(ctx, resetPage(ctx, token, state), { status: answer.status });
      }
      return pages.page(
        ctx,
        layout(
          ctx,
          ctx.t("pages.reset.doneTitle"),
          html`<p class="lead">${ctx.t("pages.reset.done")}</p>
<p><a class="button button--primary button--block" href="/sign-in">${ctx.t("pages.signIn.submit")}</a></p>`,
        ),
      );
    });
}
