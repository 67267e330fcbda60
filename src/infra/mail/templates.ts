/**
 * One template per kind of message — mail (plain text + HTML) and SMS — so wording and layout live in one place
 * and the I18n module can translate them by kind.
 */
import type { SmsMessage } from "../sms/index.ts";
import type { MailMessage } from "./index.ts";

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

interface LinkMailText {
  readonly subject: string;
  readonly intro: string;
  readonly action: string;
  readonly outro: string;
}

const LINK_MAILS: Record<LinkMailKind, (vars: Record<string, string>) => LinkMailText> = {
  "verify-email": () => ({
    subject: "Verify your e-mail address",
    intro: "Please confirm that this is your e-mail address.",
    action: "Verify e-mail",
    outro: "If you did not create an account, you can ignore this message.",
  }),
  "reset-password": () => ({
    subject: "Reset your password",
    intro: "Someone asked to reset the password of your account.",
    action: "Choose a new password",
    outro: "If it was not you, ignore this message: your password stays as it is.",
  }),
  "change-email": () => ({
    subject: "Confirm your new e-mail address",
    intro: "You asked to change the e-mail address of your account.",
    action: "Confirm the change",
    outro: "If it was not you, ignore this message and change your password.",
  }),
  "delete-account": () => ({
    subject: "Confirm the deletion of your account",
    intro: "You asked to delete your account. This cannot be undone.",
    action: "Delete my account",
    outro: "If it was not you, ignore this message and change your password.",
  }),
  invitation: (vars) => ({
    subject: `You are invited to join ${vars.organization}`,
    intro: `${vars.inviter} invited you to join ${vars.organization}.`,
    action: "See the invitation",
    outro: "If you do not know the sender, you can ignore this message.",
  }),
};

const CODE_MAILS: Record<CodeMailKind, { subject: string; intro: string; outro: string }> = {
  "two-factor-otp": {
    subject: "Your sign-in code",
    intro: "Your sign-in code is:",
    outro: "It expires in a few minutes. If you did not try to sign in, change your password.",
  },
};

const SMS_TEXTS: Record<SmsKind, (code: string) => string> = {
  "phone-otp": (code) => `Your verification code is ${code}`,
  "phone-reset-otp": (code) => `Your password reset code is ${code}`,
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(body: string): string {
  return `<!doctype html><html><body style="font-family:sans-serif">${body}</body></html>`;
}

export function renderLinkMail(
  kind: LinkMailKind,
  to: string,
  url: string,
  vars: Record<string, string> = {},
): MailMessage {
  const t = LINK_MAILS[kind](vars);
  return {
    to,
    subject: t.subject,
    text: `${t.intro}\n\n${t.action}: ${url}\n\n${t.outro}\n`,
    html: layout(
      `<p>${escapeHtml(t.intro)}</p><p><a href="${escapeHtml(url)}">${escapeHtml(t.action)}</a></p>` +
        `<p style="color:#666">${escapeHtml(t.outro)}</p>`,
    ),
  };
}

export function renderCodeMail(kind: CodeMailKind, to: string, code: string): MailMessage {
  const t = CODE_MAILS[kind];
  return {
    to,
    subject: t.subject,
    text: `${t.intro} ${code}\n\n${t.outro}\n`,
    html: layout(
      `<p>${escapeHtml(t.intro)} <b>${escapeHtml(code)}</b></p><p style="color:#666">${escapeHtml(t.outro)}</p>`,
    ),
  };
}

export function renderSms(kind: SmsKind, to: string, code: string): SmsMessage {
  return { to, body: SMS_TEXTS[kind](code) };
}
