/**
 * /account: the signed-in person's own account (view.ts renders it). Every change is a plain form post to a path
 * under /account that calls better-auth's endpoint for it through its handler (auth-call.ts) — update-user,
 * change-email, change-password, revoke-session, revoke-other-sessions, two-factor, unlink-account, link-social,
 * delete-user — so the rules, hooks, limits and audit events are the API's own. A successful post redirects back
 * with a notice (notices.ts); a refused one shows the page again with the error beside its field. Without a
 * session the visitor is sent to /sign-in and back.
 */
import { Elysia } from "elysia";
import { isLocale } from "../../../i18n/index.ts";
import type { FormState } from "../components.ts";
import { localeCookie, type PageContext, type Pages } from "../context.ts";
import { formValues, messageOf, missingFields, refusedForm } from "../form-errors.ts";
import { html } from "../html.ts";
import { layout } from "../layout.ts";
import { type AccountData, loadAccount } from "./data.ts";
import { afterAction, type Notice, noticeOf } from "./notices.ts";
import { configuredProviders } from "./providers.ts";
import { qrDataUri, secretOf } from "./qr.ts";
import { backupCodesPage, totpSetupPage } from "./two-factor-view.ts";
import { accountPage, type Section, type SectionStates } from "./view.ts";

const SIGN_IN = "/sign-in?redirect_to=%2Faccount";
/** Where better-auth's mailed links for an e-mail change and a deletion return to (pages of this module). */
const EMAIL_CHANGED = "/account/email-changed";
const DELETED = "/account/deleted";
/** HTML pages, not API operations: left out of /openapi.json (as the pages' assets are: ../assets.ts). */
const PAGE = { detail: { hide: true } } as const;

const ANCHORS: Record<Section, string> = {
  profile: "profile",
  email: "email",
  password: "password",
  sessions: "sessions",
  twoFactor: "two-factor",
  linked: "linked",
  delete: "delete",
};

/** What an action ends with: a redirect with a notice, the page again with a refusal, or its own answer. */
type Outcome =
  | { readonly done: Notice; readonly cookies?: readonly string[] }
  | { readonly state: FormState; readonly status: number }
  | Response;

interface ActionInput {
  readonly ctx: PageContext;
  readonly data: AccountData;
  readonly request: Request;
  readonly body: unknown;
}

/** better-auth's VALIDATION_ERROR names the field as `[body.<name>] …` (src/auth/input-rules.ts). */
function invalidField(answer: { code: string | undefined; body: Record<string, unknown> | null }) {
  if (answer.code !== "VALIDATION_ERROR") return undefined;
  const message = typeof answer.body?.message === "string" ? answer.body.message : "";
  return /\[body\.([A-Za-z]+)\]/.exec(message)?.[1];
}

export function accountPages(pages: Pages) {
  const providers = configuredProviders(pages.deps.config);

  function show(
    ctx: PageContext,
    data: AccountData,
    options: { states?: SectionStates; status?: number; notice?: Notice } = {},
  ) {
    const view = {
      data,
      providers,
      ...(options.states ? { states: options.states } : {}),
      ...(options.notice ? { notice: options.notice } : {}),
    };
    return pages.page(ctx, accountPage(ctx, view), { status: options.status ?? 200 });
  }

  /** Every post: signed in (else to /sign-in), the form's CSRF token (else the form again, 403), then `run`. */
  async function act(
    request: Request,
    body: unknown,
    section: Section,
    run: (input: ActionInput) => Promise<Outcome>,
  ): Promise<Response> {
    const ctx = await pages.context(request);
    const data = await loadAccount(pages, request);
    if (!data) return pages.redirect(ctx, SIGN_IN);
    if (!pages.csrfOk(ctx, body)) {
      const states = { [section]: { formError: ctx.t("pages.common.formExpired") } };
      return show(ctx, data, { states, status: 403 });
    }
    const outcome = await run({ ctx, data, request, body });
    if (outcome instanceof Response) return outcome;
    if ("done" in outcome) {
      return pages.redirect(ctx, afterAction(outcome.done, ANCHORS[section]), outcome.cookies ?? []);
    }
    return show(ctx, data, { states: { [section]: outcome.state }, status: outcome.status });
  }

  /** The password a confirming form posted, or the refusal when the account has one and it was left empty. */
  function confirmingPassword(ctx: PageContext, data: AccountData, values: Record<string, string>) {
    if (!data.hasPassword) return { body: {} };
    const errors = missingFields(ctx, values, ["password"]);
    return errors ? { errors } : { body: { password: values.password ?? "" } };
  }

  return new Elysia({ name: "pages-account" })
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
      "/account/two-factor/enable",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx, data }) => {
          const values = formValues(body, ["password"]);
          const password = confirmingPassword(ctx, data, values);
          if (password.errors) return { state: { errors: password.errors }, status: 400 };
          const answer = await pages.callAuth(request, "/two-factor/enable", { body: password.body });
          const uri = typeof answer.body?.totpURI === "string" ? answer.body.totpURI : undefined;
          if (!answer.ok || !uri) {
            return { state: refusedForm(ctx, answer, {}, ["password"]), status: answer.status };
          }
          const codes = Array.isArray(answer.body?.backupCodes) ? answer.body.backupCodes.map(String) : [];
          const setup = { qr: await qrDataUri(uri), secret: secretOf(uri), backupCodes: codes };
          return pages.page(ctx, totpSetupPage(ctx, setup), { cookies: answer.cookies });
        }),
      PAGE,
    )
    .post(
      "/account/two-factor/verify",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx }) => {
          const values = formValues(body, ["code"]);
          const errors = missingFields(ctx, values, ["code"]);
          if (errors) return pages.page(ctx, totpSetupPage(ctx, undefined, { errors }), { status: 400 });
          const code = (values.code ?? "").replace(/\s+/g, "");
          const answer = await pages.callAuth(request, "/two-factor/verify-totp", { body: { code } });
          if (answer.ok) return { done: "two-factor-on", cookies: answer.cookies };
          const state = refusedForm(ctx, answer, {}, ["code"]);
          return pages.page(ctx, totpSetupPage(ctx, undefined, state), { status: answer.status });
        }),
      PAGE,
    )
    .post(
      "/account/two-factor/disable",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx, data }) => {
          const keep = { form: "disable" };
          const password = confirmingPassword(ctx, data, formValues(body, ["password"]));
          if (password.errors) return { state: { values: keep, errors: password.errors }, status: 400 };
          const answer = await pages.callAuth(request, "/two-factor/disable", { body: password.body });
          if (answer.ok) return { done: "two-factor-off", cookies: answer.cookies };
          return { state: refusedForm(ctx, answer, keep, ["password"]), status: answer.status };
        }),
      PAGE,
    )
    .post(
      "/account/two-factor/backup-codes",
      ({ request, body }) =>
        act(request, body, "twoFactor", async ({ ctx, data }) => {
          const keep = { form: "codes" };
          const password = confirmingPassword(ctx, data, formValues(body, ["password"]));
          if (password.errors) return { state: { values: keep, errors: password.errors }, status: 400 };
          const answer = await pages.callAuth(request, "/two-factor/generate-backup-codes", {
            body: password.body,
          });
          const codes = Array.isArray(answer.body?.backupCodes)
            ? answer.body.backupCodes.map(String)
            : undefined;
          if (!answer.ok || !codes) {
            return { state: refusedForm(ctx, answer, keep, ["password"]), status: answer.status };
          }
          return pages.page(ctx, backupCodesPage(ctx, codes), { cookies: answer.cookies });
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
        // better-auth's verify-email link redirects here after each step of a change (the confirmation from the
        // old address, then the verification of the new one), with `?error=<code>` when the link did not work.
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
