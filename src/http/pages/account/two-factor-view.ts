/**
 * The pages of two-step verification that show secrets once: the set-up (QR code, key and backup codes, then the
 * code that finishes it) and a fresh set of backup codes. They answer the post that made the secrets instead of
 * redirecting, so the secrets are never stored for a later request; the set-up's own verify form can be shown
 * again without them when a code is refused (the app already holds the key).
 */
import { button, type FormState, field, formMessages, postForm } from "../components.ts";
import type { PageContext } from "../context.ts";
import { type Html, html } from "../html.ts";
import { layout } from "../layout.ts";
import { sectionPath } from "./view.ts";

export interface TotpSetup {
  readonly qr: string;
  readonly secret: string;
  readonly backupCodes: readonly string[];
}

function codeList(codes: readonly string[]): Html {
  return html`<ul class="codes" id="backup-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>`;
}

function backLink(ctx: PageContext): Html {
  return html`<ul class="links"><li><a href="${sectionPath("twoFactor")}">${ctx.t("accountPage.twoFactor.back")}</a></li></ul>`;
}

export function totpSetupPage(ctx: PageContext, setup: TotpSetup | undefined, state: FormState = {}): Html {
  const { t } = ctx;
  const content = html`${
    setup &&
    html`<p class="lead">${t("accountPage.twoFactor.scan")}</p>
<div class="qr"><img src="${setup.qr}" alt="${t("accountPage.twoFactor.qrAlt")}" width="200" height="200"></div>
<p>${t("accountPage.twoFactor.secret")}: <code class="secret" id="totp-secret">${setup.secret}</code></p>
<h2>${t("accountPage.twoFactor.backupCodes")}</h2>
<p>${t("accountPage.twoFactor.backupIntro")}</p>
${codeList(setup.backupCodes)}`
  }
<h2>${t("accountPage.twoFactor.verify")}</h2>
<p>${t("accountPage.twoFactor.verifyIntro")}</p>
${postForm(
  ctx,
  "/account/two-factor/verify",
  html`${formMessages(state)}
${field({ name: "code", label: t("accountPage.twoFactor.code"), autocomplete: "one-time-code", inputmode: "numeric", required: true, idPrefix: "tfa" }, state)}
${button(t("accountPage.twoFactor.verify"))}`,
)}
${backLink(ctx)}`;
  return layout(ctx, t("accountPage.twoFactor.setupTitle"), content);
}

export function backupCodesPage(ctx: PageContext, codes: readonly string[]): Html {
  const { t } = ctx;
  return layout(
    ctx,
    t("accountPage.twoFactor.codesTitle"),
    html`<p class="lead">${t("accountPage.twoFactor.codesIntro")}</p>
${codeList(codes)}
${backLink(ctx)}`,
  );
}
