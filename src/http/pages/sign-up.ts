/**
 * /sign-up: name, e-mail, optional username and password, through better-auth's sign-up (so the sign-up
 * policy, the password rules and the verification mail are its own). Not served at all — 404 like any unknown
 * page — when SIGN_UP_ENABLED=false.
 */
import { Elysia } from "elysia";
import { PASSWORD_MIN } from "../../auth/account-rules.ts";
import { button, type FormState, field, formMessages, hidden, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { formValues, missingFields, refusedForm } from "./form-errors.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";
import { DEFAULT_TARGET } from "./redirect-target.ts";
import { withTarget } from "./sign-in.ts";

const FIELDS = ["name", "email", "username", "password", "redirect_to"] as const;

export function signUpPages(pages: Pages) {
  if (!pages.deps.config.signUpEnabled) return new Elysia({ name: "pages-sign-up", detail: PAGE_ROUTE });

  function signUpPage(ctx: PageContext, target: string | undefined, state: FormState = {}) {
    const { t } = ctx;
    const content = html`<p class="lead">${t("pages.signUp.intro", { app: ctx.brand.appName })}</p>
${formMessages(state)}
${postForm(
  ctx,
  "/sign-up",
  html`${field({ name: "name", label: t("pages.common.name"), autocomplete: "name", required: true, autofocus: true }, state)}
${field({ name: "email", label: t("pages.common.email"), type: "email", autocomplete: "email", required: true }, state)}
${field({ name: "username", label: t("pages.common.username"), autocomplete: "username" }, state)}
${field({ name: "password", label: t("pages.common.password"), type: "password", autocomplete: "new-password", required: true, hint: t("pages.signUp.passwordHint", { min: PASSWORD_MIN }) }, state)}
${hidden("redirect_to", target)}
${button(t("pages.signUp.submit"))}`,
)}
<ul class="links"><li>${t("pages.signUp.haveAccount")} <a href="${withTarget("/sign-in", target)}">${t("pages.signUp.signInLink")}</a></li></ul>`;
    return layout(ctx, t("pages.signUp.title"), content);
  }

  function checkMailPage(ctx: PageContext, email: string, next: string) {
    const { t } = ctx;
    return layout(
      ctx,
      t("pages.signUp.checkMailTitle"),
      html`<p class="lead">${t("pages.signUp.checkMail", { email })}</p>
<p><a class="button button--primary button--block" href="${next}">${t("pages.common.continue")}</a></p>`,
    );
  }

  return new Elysia({ name: "pages-sign-up", detail: PAGE_ROUTE })
    .get("/sign-up", async ({ request, query }) => {
      const ctx = await pages.context(request);
      return pages.page(ctx, signUpPage(ctx, await pages.target(query.redirect_to)));
    })
    .post("/sign-up", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, FIELDS);
      const target = await pages.target(values.redirect_to);
      const keep = { name: values.name ?? "", email: values.email ?? "", username: values.username ?? "" };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          signUpPage(ctx, target, { values: keep, formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["name", "email", "password"]);
      if (errors) return pages.page(ctx, signUpPage(ctx, target, { values: keep, errors }), { status: 400 });
      const username = values.username?.trim();
      const email = (values.email ?? "").trim();
      const answer = await pages.callAuth(request, "/sign-up/email", {
        body: {
          name: (values.name ?? "").trim(),
          email,
          password: values.password ?? "",
          ...(username ? { username } : {}),
          locale: ctx.locale,
          callbackURL: "/verify-email",
        },
      });
      if (!answer.ok) {
        const state = refusedForm(ctx, answer, keep, ["name", "email", "username", "password"]);
        return pages.page(ctx, signUpPage(ctx, target, state), { status: answer.status });
      }
      // A session exists now unless the e-mail must be verified first; either way the mail went out.
      const next = answer.cookies.some((line) => line.includes("session_token="))
        ? (target ?? DEFAULT_TARGET)
        : withTarget("/sign-in", target);
      return pages.page(ctx, checkMailPage(ctx, email, next), { cookies: answer.cookies });
    });
}
