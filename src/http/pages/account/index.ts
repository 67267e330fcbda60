/**
 * /account: the signed-in person's own account (view.ts renders it). Every change is a plain form post to a path
 * under /account that calls better-auth's endpoint for it through its handler (auth-call.ts) — update-user,
 * change-email, change-password, revoke-session, revoke-other-sessions, two-factor, unlink-account, link-social,
 * delete-user — so the rules, hooks, limits and audit events are the API's own. A successful post redirects back
 * with a notice (notices.ts); a refused one shows the page again with the error beside its field (actions.ts).
 * Two-step verification has its own module (two-factor.ts), as have the pages mailed links land on (links.ts).
 */
import { Elysia } from "elysia";
import { isLocale } from "../../../i18n/index.ts";
import { localeCookie, type Pages } from "../context.ts";
import { formValues, messageOf, missingFields, refusedForm } from "../form-errors.ts";
import { html } from "../html.ts";
import { layout } from "../layout.ts";
import { accountActions, PAGE, SIGN_IN } from "./actions.ts";
import type { ConnectedApps } from "./connected-apps.ts";
import { connectedAppsRoutes } from "./connected-apps-routes.ts";
import { loadAccount } from "./data.ts";
import { accountLinkPages, DELETED, EMAIL_CHANGED } from "./links.ts";
import { noticeOf } from "./notices.ts";
import { twoFactorPages } from "./two-factor.ts";

/** better-auth's VALIDATION_ERROR names the field as `[body.<name>] …` (src/auth/input-rules.ts). */
function invalidField(answer: { code: string | undefined; body: Record<string, unknown> | null }) {
  if (answer.code !== "VALIDATION_ERROR") return undefined;
  const message = typeof answer.body?.message === "string" ? answer.body.message : "";
  return /\[body\.([A-Za-z]+)\]/.exec(message)?.[1];
}

export function accountPages(pages: Pages, apps?: ConnectedApps) {
  const actions = accountActions(pages, apps);
  const { providers, show, act, confirmingPassword } = actions;
  return new Elysia({ name: "pages-account" })
    .use(twoFactorPages(pages, actions))
    .use(accountLinkPages(pages))
    .use(connectedAppsRoutes(actions, apps))
    .get(
      "/account",
      async ({ request, query }) => {
        const ctx = await pages.context(request);
        const data = await loadAccount(pages, request);
        if (!data) return pages.redirect(ctx, SIGN_IN);
        const notice = noticeOf(query.done);
        return show(ctx, data, notice ? { notice } : {});
      },
      PAGE,
    )
    .post(
      "/account/profile",
      ({ request, body }) =>
        act(request, body, "profile", async ({ ctx }) => {
          const values = formValues(body, ["name", "image", "locale"]);
          const errors = missingFields(ctx, values, ["name"]);
          if (errors) return { state: { values, errors }, status: 400 };
          const locale = isLocale(values.locale) ? values.locale : undefined;
          const image = (values.image ?? "").trim();
          const answer = await pages.callAuth(request, "/update-user", {
            body: { name: (values.name ?? "").trim(), image: image || null, ...(locale ? { locale } : {}) },
          });
          if (!answer.ok) {
            const field = invalidField(answer);
            if (field === "image" || field === "name" || field === "locale") {
              const message =
                field === "image"
                  ? ctx.t("accountPage.profile.imageInvalid")
                  : ctx.t("accountPage.profile.invalid");
              return { state: { values, errors: { [field]: message } }, status: answer.status };
            }
            return { state: refusedForm(ctx, answer, values, ["name"]), status: answer.status };
          }
          // The pages follow the language just saved (the `locale` cookie comes before the saved locale).
          const cookies = [...answer.cookies, ...(locale ? [localeCookie(locale, pages.secure)] : [])];
          return { done: "profile", cookies };
        }),
      PAGE,
    )
    .post(
      "/account/email",
      ({ request, body }) =>
        act(request, body, "email", async ({ ctx, data }) => {
          const values = formValues(body, ["newEmail"]);
          const errors = missingFields(ctx, values, ["newEmail"]);
          if (errors) return { state: { values, errors }, status: 400 };
          const newEmail = (values.newEmail ?? "").trim();
          const answer = await pages.callAuth(request, "/change-email", {
            body: { newEmail, callbackURL: EMAIL_CHANGED },
          });
          if (answer.ok) return { done: "email-sent" };
          if (newEmail.toLowerCase() === data.user.email.toLowerCase()) {
            return { state: { values, errors: { newEmail: ctx.t("accountPage.email.same") } }, status: 400 };
          }
          if (invalidField(answer) === "newEmail") {
            const message = messageOf(ctx, { code: "INVALID_EMAIL" });
            return { state: { values, errors: { newEmail: message } }, status: answer.status };
          }
          return {
            state: refusedForm(ctx, answer, values, ["newEmail"], { email: "newEmail" }),
            status: answer.status,
          };
        }),
      PAGE,
    )
    .post(
      "/account/password",
      ({ request, body }) =>
        act(request, body, "password", async ({ ctx }) => {
          const values = formValues(body, ["currentPassword", "newPassword", "confirm"]);
          const errors = missingFields(ctx, values, ["currentPassword", "newPassword", "confirm"]);
          if (errors) return { state: { errors }, status: 400 };
          if (values.newPassword !== values.confirm) {
            return { state: { errors: { confirm: ctx.t("accountPage.password.mismatch") } }, status: 400 };
          }
          // revokeOtherSessions is left to the API's default, which ends the other sessions
          // (src/auth/plugins/session-hygiene.ts); the answer carries this browser's new session cookie.
          const answer = await pages.callAuth(request, "/change-password", {
            body: { currentPassword: values.currentPassword ?? "", newPassword: values.newPassword ?? "" },
          });
          if (answer.ok) return { done: "password", cookies: answer.cookies };
          const field = answer.code === "INVALID_PASSWORD" ? "currentPassword" : "newPassword";
          const state = refusedForm(ctx, answer, {}, ["currentPassword", "newPassword"], { password: field });
          return { state, status: answer.status };
        }),
      PAGE,
    )
    .post(
      "/account/sessions/revoke",
      ({ request, body }) =>
        act(request, body, "sessions", async ({ ctx }) => {
          const { id = "" } = formValues(body, ["id"]);
          const answer = await pages.callAuth(request, "/revoke-session", { body: { id } });
          if (answer.ok) return { done: "session-revoked" };
          return { state: { formError: messageOf(ctx, answer) }, status: answer.status };
        }),
      PAGE,
    )
    .post(
      "/account/sessions/revoke-others",
      ({ request, body }) =>
        act(request, body, "sessions", async ({ ctx }) => {
          const answer = await pages.callAuth(request, "/revoke-other-sessions", { body: {} });
          if (answer.ok) return { done: "others-revoked", cookies: answer.cookies };
          return { state: { formError: messageOf(ctx, answer) }, status: answer.status };
        }),
      PAGE,
    )
    .post(
      "/account/linked/unlink",
      ({ request, body }) =>
        act(request, body, "linked", async ({ ctx }) => {
          // better-auth names the account by its own row id here (not the provider's account id).
          const { account = "" } = formValues(body, ["account"]);
          const answer = await pages.callAuth(request, "/unlink-account", { body: { accountId: account } });
          if (answer.ok) return { done: "unlinked" };
          return { state: { formError: messageOf(ctx, answer) }, status: answer.status };
        }),
      PAGE,
    )
    .get(
      "/account/linked/link/:provider",
      async ({ request, params, query }) => {
        // A link rather than a form: the answer redirects to the provider, which the policy's form-action would
        // stop after a post. The link carries the CSRF token instead, so another site cannot start a linking.
        const ctx = await pages.context(request);
        const data = await loadAccount(pages, request);
        if (!data) return pages.redirect(ctx, SIGN_IN);
        const known = providers.some((provider) => provider.id === params.provider);
        if (!known || !ctx.csrf.verify(query.csrf)) {
          const states = { linked: { formError: ctx.t("pages.common.formExpired") } };
          return show(ctx, data, { states, status: known ? 403 : 404 });
        }
        const answer = await pages.callAuth(request, "/link-social", {
          body: {
            provider: params.provider,
            callbackURL: "/account?done=linked",
            errorCallbackURL: "/account?done=link-failed",
          },
        });
        const url = answer.ok && typeof answer.body?.url === "string" ? answer.body.url : undefined;
        if (!url) {
          return show(ctx, data, { states: { linked: { formError: messageOf(ctx, answer) } }, status: 400 });
        }
        return pages.redirect(ctx, url, answer.cookies);
      },
      PAGE,
    )
    .post(
      "/account/delete",
      ({ request, body }) =>
        act(request, body, "delete", async ({ ctx, data }) => {
          const values = formValues(body, ["password", "confirm"]);
          const password = confirmingPassword(ctx, data, values);
          const errors = {
            ...password.errors,
            ...(values.confirm === "yes" ? {} : { confirm: ctx.t("accountPage.delete.confirmRequired") }),
          };
          if (Object.keys(errors).length > 0) return { state: { errors }, status: 400 };
          const answer = await pages.callAuth(request, "/delete-user", {
            body: { ...password.body, callbackURL: DELETED },
          });
          if (!answer.ok) return { state: refusedForm(ctx, answer, {}, ["password"]), status: answer.status };
          if (answer.body?.message === "User deleted") return pages.redirect(ctx, DELETED, answer.cookies);
          // The deletion is confirmed through the mailed link (better-auth's delete-user/callback → DELETED).
          return pages.page(
            ctx,
            layout(
              ctx,
              ctx.t("accountPage.delete.sentTitle"),
              html`<p class="lead">${ctx.t("accountPage.delete.sent", { email: data.user.email })}</p>
<ul class="links"><li><a href="/account">${ctx.t("accountPage.twoFactor.back")}</a></li></ul>`,
            ),
          );
        }),
      PAGE,
    );
}
