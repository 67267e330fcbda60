/**
 * The /account page: one card with a section per concern — profile, e-mail address, password, sessions,
 * two-step verification, linked accounts, connected applications, deletion — each a plain form posting to its own path under /account
 * (index.ts). A refused post renders the page again with the error beside its field in that section.
 */
import { PASSWORD_MIN } from "../../../auth/account-rules.ts";
import { RESOURCES, SUPPORTED_LOCALES } from "../../../i18n/index.ts";
import type { ConnectedApp } from "../../../identity/oauth-clients/grants.ts";
import { button, type FormState, field, formMessages, hidden, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { type Html, html } from "../html.ts";
import { layout } from "../layout.ts";
import { type Provider, providerName } from "../providers.ts";
import { connectedAppsSection } from "./connected-apps.ts";
import type { AccountData, LinkedAccount, SessionRow } from "./data.ts";
import { deviceName } from "./device.ts";
import { NOTICES, type Notice } from "./notices.ts";

export const SECTIONS = [
  "profile",
  "email",
  "password",
  "sessions",
  "twoFactor",
  "linked",
  "connectedApps",
  "delete",
] as const;
export type Section = (typeof SECTIONS)[number];
export type SectionStates = Partial<Record<Section, FormState>>;

/** The id of each section's heading, the target of the page's table of contents. */
export const ANCHOR: Record<Section, string> = {
  profile: "profile",
  email: "email",
  password: "password",
  sessions: "sessions",
  twoFactor: "two-factor",
  linked: "linked",
  connectedApps: "connected-apps",
  delete: "delete",
};

export function sectionPath(section: Section): string {
  return `/account#${ANCHOR[section]}`;
}

function heading(ctx: PageContext, section: Section): string {
  const { t } = ctx;
  const headings: Record<Section, string> = {
    profile: t("accountPage.profile.heading"),
    email: t("accountPage.email.heading"),
    password: t("accountPage.password.heading"),
    sessions: t("accountPage.sessions.heading"),
    twoFactor: t("accountPage.twoFactor.heading"),
    linked: t("accountPage.linked.heading"),
    connectedApps: t("accountPage.connectedApps.heading"),
    delete: t("accountPage.delete.heading"),
  };
  return headings[section];
}

function section(ctx: PageContext, name: Section, content: Html): Html {
  return html`<section class="account-section" aria-labelledby="${ANCHOR[name]}">
<h2 id="${ANCHOR[name]}">${heading(ctx, name)}</h2>
${content}
</section>`;
}

export function formatDate(ctx: PageContext, value: Date | undefined): string {
  if (!value) return "";
  return new Intl.DateTimeFormat(ctx.locale, { dateStyle: "medium", timeStyle: "short" }).format(value);
}

function profileSection(ctx: PageContext, data: AccountData, state: FormState): Html {
  const { t } = ctx;
  const values = state.values ?? { name: data.user.name, image: data.user.image };
  const chosen = values.locale ?? (data.user.locale || ctx.locale);
  return postForm(
    ctx,
    "/account/profile",
    html`${formMessages(state)}
${field({ name: "name", label: t("accountPage.profile.name"), autocomplete: "name", required: true, idPrefix: "profile" }, { ...state, values })}
${field({ name: "image", label: t("accountPage.profile.image"), type: "text", inputmode: "text", autocomplete: "photo", hint: t("accountPage.profile.imageHint"), idPrefix: "profile" }, { ...state, values })}
<div class="field">
  <label for="profile-locale">${t("accountPage.profile.language")}</label>
  <select id="profile-locale" name="locale">
    ${SUPPORTED_LOCALES.map(
      (locale) =>
        html`<option value="${locale}" lang="${locale}"${locale === chosen ? html` selected` : ""}>${RESOURCES[locale].language.name}</option>`,
    )}
  </select>
</div>
${button(t("accountPage.profile.submit"))}`,
  );
}

function emailSection(ctx: PageContext, data: AccountData, state: FormState): Html {
  const { t } = ctx;
  const { email, emailVerified } = data.user;
  return html`${
    email
      ? html`<p>${t("accountPage.email.current", { email })} <span class="badge${emailVerified ? " badge--ok" : ""}">${
          emailVerified ? t("accountPage.email.verified") : t("accountPage.email.unverified")
        }</span></p>`
      : html`<p>${t("accountPage.email.none")}</p>`
  }
${postForm(
  ctx,
  "/account/email",
  html`${formMessages(state)}
${field({ name: "newEmail", label: t("accountPage.email.newEmail"), type: "email", autocomplete: "email", required: true, hint: t("accountPage.email.hint"), idPrefix: "email" }, state)}
${button(t("accountPage.email.submit"), "secondary")}`,
)}`;
}

function passwordSection(ctx: PageContext, data: AccountData, state: FormState): Html {
  const { t } = ctx;
  if (!data.hasPassword) return html`<p>${t("accountPage.password.none")}</p>`;
  return postForm(
    ctx,
    "/account/password",
    html`${formMessages(state)}
${field({ name: "currentPassword", label: t("accountPage.password.current"), type: "password", autocomplete: "current-password", required: true, idPrefix: "password" }, state)}
${field({ name: "newPassword", label: t("accountPage.password.new"), type: "password", autocomplete: "new-password", required: true, hint: t("accountPage.password.newHint", { min: PASSWORD_MIN }), idPrefix: "password" }, state)}
${field({ name: "confirm", label: t("accountPage.password.confirm"), type: "password", autocomplete: "new-password", required: true, idPrefix: "password" }, state)}
${button(t("accountPage.password.submit"), "secondary")}`,
  );
}

function sessionRow(ctx: PageContext, row: SessionRow, current: boolean): Html {
  const { t } = ctx;
  return html`<tr${current ? html` class="current"` : ""}>
  <td data-label="${t("accountPage.sessions.device")}">${deviceName(row.userAgent) ?? t("accountPage.sessions.unknown")}${
    current && html` <span class="badge badge--ok">${t("accountPage.sessions.current")}</span>`
  }</td>
  <td data-label="${t("accountPage.sessions.address")}">${row.ipAddress || t("accountPage.sessions.unknown")}</td>
  <td data-label="${t("accountPage.sessions.created")}">${formatDate(ctx, row.createdAt)}</td>
  <td data-label="${t("accountPage.sessions.lastActive")}">${formatDate(ctx, row.updatedAt)}</td>
  <td data-label="${t("accountPage.sessions.actions")}">${
    current
      ? ""
      : postForm(
          ctx,
          "/account/sessions/revoke",
          html`${hidden("id", row.id)}<button type="submit" class="button button--secondary button--small">${t("accountPage.sessions.revoke")}</button>`,
          "inline-form",
        )
  }</td>
</tr>`;
}

function sessionsSection(ctx: PageContext, data: AccountData, state: FormState): Html {
  const { t } = ctx;
  const others = data.sessions.filter((row) => row.id !== data.currentSessionId).length;
  return html`<p class="lead">${t("accountPage.sessions.intro")}</p>
${formMessages(state)}
<div class="table-wrap">
<table class="table" id="session-list">
  <thead><tr><th scope="col">${t("accountPage.sessions.device")}</th><th scope="col">${t("accountPage.sessions.address")}</th><th scope="col">${t("accountPage.sessions.created")}</th><th scope="col">${t("accountPage.sessions.lastActive")}</th><th scope="col">${t("accountPage.sessions.actions")}</th></tr></thead>
  <tbody>
  ${data.sessions.map((row) => sessionRow(ctx, row, row.id === data.currentSessionId))}
  </tbody>
</table>
</div>
${others > 0 && postForm(ctx, "/account/sessions/revoke-others", button(t("accountPage.sessions.revokeOthers"), "secondary"))}`;
}

/** A password field for the forms that confirm with one (only when the account has a password). */
function passwordConfirmation(ctx: PageContext, data: AccountData, state: FormState, idPrefix: string) {
  return (
    data.hasPassword &&
    field(
      {
        name: "password",
        label: ctx.t("accountPage.twoFactor.password"),
        type: "password",
        autocomplete: "current-password",
        required: true,
        idPrefix,
      },
      state,
    )
  );
}

function twoFactorSection(ctx: PageContext, data: AccountData, state: FormState): Html {
  const { t } = ctx;
  if (!data.user.twoFactorEnabled) {
    return html`<p>${t("accountPage.twoFactor.off")}</p>
${postForm(
  ctx,
  "/account/two-factor/enable",
  html`${formMessages(state)}${passwordConfirmation(ctx, data, state, "tfa-enable")}${button(t("accountPage.twoFactor.enable"), "secondary")}`,
)}`;
  }
  const which = state.values?.form;
  const disableState = which === "disable" ? state : {};
  const codesState = which === "codes" ? state : {};
  return html`<p>${t("accountPage.twoFactor.on")}</p>
<div class="split">
${postForm(
  ctx,
  "/account/two-factor/backup-codes",
  html`${formMessages(codesState)}${passwordConfirmation(ctx, data, codesState, "tfa-codes")}${button(t("accountPage.twoFactor.regenerate"), "secondary")}`,
)}
${postForm(
  ctx,
  "/account/two-factor/disable",
  html`${formMessages(disableState)}${passwordConfirmation(ctx, data, disableState, "tfa-disable")}${button(t("accountPage.twoFactor.disable"), "secondary")}`,
)}
</div>`;
}

function linkedRow(ctx: PageContext, account: LinkedAccount, canUnlink: boolean): Html {
  const { t } = ctx;
  const credential = account.providerId === "credential";
  const name = credential ? t("accountPage.linked.passwordMethod") : providerName(account.providerId);
  return html`<tr>
  <td data-label="${t("accountPage.linked.provider")}">${name}</td>
  <td data-label="${t("accountPage.linked.since")}">${formatDate(ctx, account.createdAt)}</td>
  <td data-label="${t("accountPage.linked.actions")}">${
    !credential &&
    canUnlink &&
    postForm(
      ctx,
      "/account/linked/unlink",
      html`${hidden("account", account.id)}<button type="submit" class="button button--secondary button--small">${t("accountPage.linked.unlink", { provider: name })}</button>`,
      "inline-form",
    )
  }</td>
</tr>`;
}

function linkedSection(
  ctx: PageContext,
  data: AccountData,
  providers: readonly Provider[],
  state: FormState,
): Html {
  const { t } = ctx;
  // better-auth refuses to unlink the last way in (FAILED_TO_UNLINK_LAST_ACCOUNT); the button is left out then.
  const canUnlink = data.accounts.length > 1;
  const linked = new Set(data.accounts.map((account) => account.providerId));
  const linkable = providers.filter((provider) => !linked.has(provider.id));
  return html`<p class="lead">${t("accountPage.linked.intro")}</p>
${formMessages(state)}
<div class="table-wrap">
<table class="table">
  <thead><tr><th scope="col">${t("accountPage.linked.provider")}</th><th scope="col">${t("accountPage.linked.since")}</th><th scope="col">${t("accountPage.linked.actions")}</th></tr></thead>
  <tbody>${data.accounts.map((account) => linkedRow(ctx, account, canUnlink))}</tbody>
</table>
</div>
${
  linkable.length > 0 &&
  html`<ul class="providers">${linkable.map(
    (provider) =>
      html`<li><a class="button button--secondary" href="/account/linked/link/${encodeURIComponent(provider.id)}?csrf=${encodeURIComponent(ctx.csrf.token)}">${t("accountPage.linked.link", { provider: provider.name })}</a></li>`,
  )}</ul>`
}`;
}

function deleteSection(ctx: PageContext, data: AccountData, state: FormState): Html {
  const { t } = ctx;
  const error = state.errors?.confirm;
  return html`<p class="lead">${t("accountPage.delete.intro")}</p>
${postForm(
  ctx,
  "/account/delete",
  html`${formMessages(state)}${passwordConfirmation(ctx, data, state, "delete")}
<div class="field field--check${error ? " field--invalid" : ""}">
  <input id="delete-confirm" name="confirm" type="checkbox" value="yes"${error ? html` aria-invalid="true" aria-describedby="delete-confirm-error"` : ""}>
  <label for="delete-confirm">${t("accountPage.delete.confirm")}</label>
  ${error && html`<p class="field-error" id="delete-confirm-error">${error}</p>`}
</div>
<button type="submit" class="button button--danger">${t("accountPage.delete.submit")}</button>`,
)}`;
}

export interface AccountView {
  readonly data: AccountData;
  readonly providers: readonly Provider[];
  /** The OpenID Provider's clients the person let in (connected-apps.ts). */
  readonly apps?: readonly ConnectedApp[];
  readonly states?: SectionStates;
  readonly notice?: Notice;
}

export function accountPage(ctx: PageContext, view: AccountView): Html {
  const { t } = ctx;
  const { data, providers, notice } = view;
  const states = view.states ?? {};
  const content = html`<p class="lead">${t("accountPage.signedInAs", { name: data.user.name || data.user.email })}</p>
${notice && html`<div class="alert alert--info" role="status">${t(NOTICES[notice])}</div>`}
<nav class="toc" aria-label="${t("accountPage.sectionsLabel")}"><ul>${SECTIONS.map(
    (name) => html`<li><a href="#${ANCHOR[name]}">${heading(ctx, name)}</a></li>`,
  )}</ul></nav>
${section(ctx, "profile", profileSection(ctx, data, states.profile ?? {}))}
${section(ctx, "email", emailSection(ctx, data, states.email ?? {}))}
${section(ctx, "password", passwordSection(ctx, data, states.password ?? {}))}
${section(ctx, "sessions", sessionsSection(ctx, data, states.sessions ?? {}))}
${section(ctx, "twoFactor", twoFactorSection(ctx, data, states.twoFactor ?? {}))}
${section(ctx, "linked", linkedSection(ctx, data, providers, states.linked ?? {}))}
${section(ctx, "connectedApps", connectedAppsSection(ctx, view.apps ?? [], states.connectedApps ?? {}, formatDate))}
${section(ctx, "delete", deleteSection(ctx, data, states.delete ?? {}))}
${postForm(ctx, "/sign-out", button(t("pages.signOut.submit"), "secondary"), "form sign-out")}`;
  return layout(ctx, t("accountPage.title"), content, { wide: true });
}
