/**
 * One template per kind of message — mail (plain text + HTML) and SMS — so layout lives in one place and the
 * wording in the i18n catalogue (`mail.*`, `sms.*`), rendered in the recipient's locale (see
 * `recipientLocale` in src/i18n/negotiate.ts for how the senders choose it).
 */

import type { MailMessage } from "../platform/mail/index.ts";
import type { SmsMessage } from "../platform/sms/index.ts";
import { t } from "./index.ts";
import { type Locale, SOURCE_LOCALE } from "./locales.ts";

/** Mails whose point is one link to follow. */
export type LinkMailKind =
  | "verify-email"
  | "reset-password"
  | "change-email"
  | "delete-account"
  | "invitation";
/** Mails whose point is a one-time code to type. */
export type CodeMailKind = "two-factor-otp";
export type SmsKind = "phone-otp" | "phone-reset-otp";

export interface InvitationVars {
  readonly organization: string;
  readonly inviter: string;
}

interface LinkMailText {
  readonly subject: string;
  readonly intro: string;
  readonly action: string;
  readonly outro: string;
}

type PlainLinkMail = "verifyEmail" | "resetPassword" | "changeEmail" | "deleteAccount";

function plainLinkMail(locale: Locale, name: PlainLinkMail): LinkMailText {
  return {
    subject: t(locale, `mail.${name}.subject`),
    intro: t(locale, `mail.${name}.intro`),
    action: t(locale, `mail.${name}.action`),
    outro: t(locale, `mail.${name}.outro`),
  };
}

const PLAIN_LINK_MAILS: Record<Exclude<LinkMailKind, "invitation">, PlainLinkMail> = {
  "verify-email": "verifyEmail",
  "reset-password": "resetPassword",
  "change-email": "changeEmail",
  "delete-account": "deleteAccount",
};

function invitationMail(locale: Locale, vars: InvitationVars): LinkMailText {
  const params = { organization: vars.organization, inviter: vars.inviter };
  return {
    subject: t(locale, "mail.invitation.subject", params),
    intro: t(locale, "mail.invitation.intro", params),
    action: t(locale, "mail.invitation.action"),
    outro: t(locale, "mail.invitation.outro"),
  };
}

const SMS_TEXTS: Record<SmsKind, (locale: Locale, code: string) => string> = {
  "phone-otp": (locale, code) => t(locale, "sms.phoneOtp", { code }),
  "phone-reset-otp": (locale, code) => t(locale, "sms.phoneResetOtp", { code }),
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(locale: Locale, body: string): string {
  return `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif">${body}</body></html>`;
}

export function renderLinkMail(
  kind: "invitation",
  to: string,
  url: string,
  options: InvitationVars & { readonly locale?: Locale },
): MailMessage;
export function renderLinkMail(
  kind: Exclude<LinkMailKind, "invitation">,
  to: string,
  url: string,
  options?: { readonly locale?: Locale },
): MailMessage;
export function renderLinkMail(
  kind: LinkMailKind,
  to: string,
  url: string,
  options: Partial<InvitationVars> & { readonly locale?: Locale } = {},
): MailMessage {
  const locale = options.locale ?? SOURCE_LOCALE;
  const text =
    kind === "invitation"
      ? invitationMail(locale, { organization: options.organization ?? "", inviter: options.inviter ?? "" })
      : plainLinkMail(locale, PLAIN_LINK_MAILS[kind]);
  return {
    to,
    subject: text.subject,
    text: `${text.intro}\n\n${text.action}: ${url}\n\n${text.outro}\n`,
    html: layout(
      locale,
      `<p>${escapeHtml(text.intro)}</p><p><a href="${escapeHtml(url)}">${escapeHtml(text.action)}</a></p>` +
        `<p style="color:#666">${escapeHtml(text.outro)}</p>`,
    ),
  };
}

export function renderCodeMail(
  _kind: CodeMailKind,
  to: string,
  code: string,
  locale: Locale = SOURCE_LOCALE,
): MailMessage {
  const subject = t(locale, "mail.twoFactorOtp.subject");
  const intro = t(locale, "mail.twoFactorOtp.intro");
  const outro = t(locale, "mail.twoFactorOtp.outro");
  return {
    to,
    subject,
    text: `${intro} ${code}\n\n${outro}\n`,
    html: layout(
      locale,
      `<p>${escapeHtml(intro)} <b>${escapeHtml(code)}</b></p><p style="color:#666">${escapeHtml(outro)}</p>`,
    ),
  };
}

export function renderSms(
  kind: SmsKind,
  to: string,
  code: string,
  locale: Locale = SOURCE_LOCALE,
): SmsMessage {
  return { to, body: SMS_TEXTS[kind](locale, code) };
}
