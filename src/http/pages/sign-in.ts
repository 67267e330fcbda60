/**
 * /sign-in: e-mail or username and password, a button per configured social or OIDC provider, then — for an
 * account with two-factor — /sign-in/two-factor (authenticator code, backup code or a code by e-mail). Each
 * step is better-auth's own endpoint (auth-call.ts); the page only carries the form and the redirect.
 */
import { Elysia } from "elysia";
import { button, type FormState, field, formMessages, hidden, postForm } from "./components.ts";
import { PAGE_ROUTE, type PageContext, type Pages } from "./context.ts";
import { formValues, messageOf, missingFields, refusedForm } from "./form-errors.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";
import { configuredProviders } from "./providers.ts";
import { DEFAULT_TARGET } from "./redirect-target.ts";

/** `?redirect_to=…` for a link that must carry the target on. */
export function withTarget(path: string, target: string | undefined): string {
  return target ? `${path}?redirect_to=${encodeURIComponent(target)}` : path;
}

const SIGN_IN_FIELDS = ["identifier", "password", "redirect_to"] as const;
const TWO_FACTOR_FIELDS = ["method", "code", "redirect_to"] as const;
const METHODS = ["totp", "backup_code", "otp"] as const;
type Method = (typeof METHODS)[number];

export function signInPages(pages: Pages) {
  const { config } = pages.deps;
  const providers = configuredProviders(config);

  function signInPage(ctx: PageContext, target: string | undefined, state: FormState = {}) {
    const { t } = ctx;
    const providerError =
      ctx.url.searchParams.has("error") && !state.formError ? t("pages.signIn.providerFailed") : undefined;
    const content = html`<p class="lead">${t("pages.signIn.intro", { app: ctx.brand.appName })}</p>
${formMessages({ ...state, formError: state.formError ?? providerError })}
${postForm(
  ctx,
  "/sign-in",
  html`${field({ name: "identifier", label: t("pages.signIn.identifier"), autocomplete: "username", required: true, autofocus: true }, state)}
${field({ name: "password", label: t("pages.common.password"), type: "password", autocomplete: "current-password", required: true }, state)}
${hidden("redirect_to", target)}
${button(t("pages.signIn.submit"))}`,
)}
<ul class="links">
  <li><a href="/forgot-password">${t("pages.signIn.forgot")}</a></li>
  <li><a href="${withTarget("/sign-in/phone", target)}">${t("pages.signIn.withPhone")}</a></li>
  ${config.signUpEnabled && html`<li>${t("pages.signIn.noAccount")} <a href="${withTarget("/sign-up", target)}">${t("pages.signIn.signUpLink")}</a></li>`}
</ul>
${
  providers.length > 0 &&
  html`<p class="divider">${t("pages.signIn.providersHeading")}</p>
<ul class="providers">
  ${providers.map(
    (provider) =>
      html`<li><a class="button button--secondary" href="${withTarget(`/sign-in/provider/${encodeURIComponent(provider.id)}`, target)}">${t("pages.signIn.withProvider", { provider: provider.name })}</a></li>`,
  )}
</ul>`
}`;
    return layout(ctx, t("pages.signIn.title"), content);
  }

  function twoFactorPage(ctx: PageContext, target: string | undefined, state: FormState = {}) {
    const { t } = ctx;
    const chosen = (state.values?.method as Method | undefined) ?? "totp";
    const label: Record<Method, string> = {
      totp: t("pages.twoFactor.totp"),
      backup_code: t("pages.twoFactor.backupCode"),
      otp: t("pages.twoFactor.emailCode"),
    };
    const content = html`<p class="lead">${t("pages.twoFactor.intro")}</p>
${formMessages(state)}
${postForm(
  ctx,
  "/sign-in/two-factor",
  html`<div class="field">
  <label for="f-method">${t("pages.twoFactor.method")}</label>
  <select id="f-method" name="method">
    ${METHODS.map((method) => html`<option value="${method}"${method === chosen ? html` selected` : ""}>${label[method]}</option>`)}
  </select>
</div>
${field({ name: "code", label: t("pages.twoFactor.code"), autocomplete: "one-time-code", inputmode: "text", required: true, autofocus: true }, state)}
${hidden("redirect_to", target)}
${button(t("pages.twoFactor.submit"))}`,
)}
${postForm(ctx, "/sign-in/two-factor/send-code", html`${hidden("redirect_to", target)}${button(t("pages.twoFactor.sendEmailCode"), "secondary")}`)}
<ul class="links"><li><a href="${withTarget("/sign-in", target)}">${t("pages.common.backToSignIn")}</a></li></ul>`;
    return layout(ctx, t("pages.twoFactor.title"), content);
  }

  return new Elysia({ name: "pages-sign-in", detail: PAGE_ROUTE })
    .get("/sign-in", async ({ request, query }) => {
      const ctx = await pages.context(request);
      // `login_hint` (an OpenID client's hint, passed on by src/http/oidc/interaction.ts) pre-fills the field.
      const hint = typeof query.login_hint === "string" ? query.login_hint.trim().slice(0, 320) : "";
      const state = hint ? { values: { identifier: hint } } : {};
      return pages.page(ctx, signInPage(ctx, await pages.target(query.redirect_to), state));
    })
    .post("/sign-in", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, SIGN_IN_FIELDS);
      const target = await pages.target(values.redirect_to);
      const keep = { identifier: values.identifier ?? "" };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          signInPage(ctx, target, { values: keep, formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["identifier", "password"]);
      if (errors) return pages.page(ctx, signInPage(ctx, target, { values: keep, errors }), { status: 400 });
      const identifier = (values.identifier ?? "").trim();
      const password = values.password ?? "";
      const answer = identifier.includes("@")
        ? await pages.callAuth(request, "/sign-in/email", { body: { email: identifier, password } })
        : await pages.callAuth(request, "/sign-in/username", { body: { username: identifier, password } });
      if (!answer.ok) {
        return pages.page(ctx, signInPage(ctx, target, refusedForm(ctx, answer, keep, [])), {
          status: answer.status,
        });
      }
      if (answer.body?.twoFactorRedirect === true) {
        return pages.redirect(ctx, withTarget("/sign-in/two-factor", target), answer.cookies);
      }
      return pages.redirect(ctx, target ?? DEFAULT_TARGET, answer.cookies);
    })
    .get("/sign-in/two-factor", async ({ request, query }) => {
      const ctx = await pages.context(request);
      return pages.page(ctx, twoFactorPage(ctx, await pages.target(query.redirect_to)));
    })
    .post("/sign-in/two-factor", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, TWO_FACTOR_FIELDS);
      const target = await pages.target(values.redirect_to);
      const method: Method = METHODS.includes(values.method as Method) ? (values.method as Method) : "totp";
      const keep = { method };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(
          ctx,
          twoFactorPage(ctx, target, { values: keep, formError: ctx.t("pages.common.formExpired") }),
          {
            status: 403,
          },
        );
      }
      const errors = missingFields(ctx, values, ["code"]);
      if (errors)
        return pages.page(ctx, twoFactorPage(ctx, target, { values: keep, errors }), { status: 400 });
      const path =
        method === "totp"
          ? "/two-factor/verify-totp"
          : method === "otp"
            ? "/two-factor/verify-otp"
            : "/two-factor/verify-backup-code";
      const code = (values.code ?? "").replace(/\s+/g, "");
      const answer = await pages.callAuth(request, path, { body: { code } });
      if (!answer.ok) {
        // No pending challenge (expired, or never started): back to the first step.
        const state =
          answer.code === "INVALID_TWO_FACTOR_COOKIE" || answer.code === "UNAUTHORIZED"
            ? { values: keep, formError: ctx.t("pages.twoFactor.expired") }
            : refusedForm(ctx, answer, keep, ["code"]);
        return pages.page(ctx, twoFactorPage(ctx, target, state), { status: answer.status });
      }
      return pages.redirect(ctx, target ?? DEFAULT_TARGET, answer.cookies);
    })
    .post("/sign-in/two-factor/send-code", async ({ request, body }) => {
      const ctx = await pages.context(request);
      const values = formValues(body, ["redirect_to"]);
      const target = await pages.target(values.redirect_to);
      const keep = { method: "otp" };
      if (!pages.csrfOk(ctx, body)) {
        return pages.page(ctx, twoFactorPage(ctx, target, { formError: ctx.t("pages.common.formExpired") }), {
          status: 403,
        });
      }
      const answer = await pages.callAuth(request, "/two-factor/send-otp", { body: {} });
      const state: FormState = answer.ok
        ? { values: keep, notice: ctx.t("pages.twoFactor.emailCodeSent") }
        : { values: keep, formError: messageOf(ctx, answer) };
      return pages.page(ctx, twoFactorPage(ctx, target, state), { status: answer.ok ? 200 : answer.status });
    })
    .get("/sign-in/provider/:id", async ({ request, params, query }) => {
      const ctx = await pages.context(request);
      const target = await pages.target(query.redirect_to);
      const known = providers.some((provider) => provider.id === params.id);
      const answer = known
        ? await pages.callAuth(request, "/sign-in/social", {
            body: {
              provider: params.id,
              callbackURL: target ?? DEFAULT_TARGET,
              // better-auth appends `error=…`; the page shows that the provider did not sign the visitor in.
              errorCallbackURL: withTarget("/sign-in", target),
            },
          })
        : undefined;
      const url = answer?.ok && typeof answer.body?.url === "string" ? answer.body.url : undefined;
      if (!answer || !url) {
        const state = { formError: answer ? messageOf(ctx, answer) : ctx.t("pages.signIn.providerFailed") };
        return pages.page(ctx, signInPage(ctx, target, state), { status: answer?.status ?? 404 });
      }
      // A link, not a form post: form-action would stop the redirect to the provider's origin.
      return pages.redirect(ctx, url, answer.cookies);
    });
}
