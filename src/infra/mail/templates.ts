/**
 * One template per kind of message, each rendered as plain text and HTML. Texts come from the caller (so the
 * I18n module can translate them); the layout lives here.
 */
import type { MailMessage } from "./index.ts";

export type MailKind = "verify-email" | "reset-password" | "change-email" | "delete-account";

interface MailText {
  readonly subject: string;
  readonly intro: string;
  readonly action: string;
  readonly outro: string;
}

const TEXTS: Record<MailKind, MailText> = {
  "verify-email": {
    subject: "Verify your e-mail address",
    intro: "Please confirm that this is your e-mail address.",
    action: "Verify e-mail",
    outro: "If you did not create an account, you can ignore this message.",
  },
  "reset-password": {
    subject: "Reset your password",
    intro: "Someone asked to reset the password of your account.",
    action: "Choose a new password",
    outro: "If it was not you, ignore this message: your password stays as it is.",
  },
  "change-email": {
    subject: "Confirm your new e-mail address",
    intro: "You asked to change the e-mail address of your account.",
    action: "Confirm the change",
    outro: "If it was not you, ignore this message and change your password.",
  },
  "delete-account": {
    subject: "Confirm the deletion of your account",
    intro: "You asked to delete your account. This cannot be undone.",
    action: "Delete my account",
    outro: "If it was not you, ignore this message and change your password.",
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderActionMail(kind: MailKind, to: string, url: string): MailMessage {
  const t = TEXTS[kind];
  return {
    to,
    subject: t.subject,
    text: `${t.intro}\n\n${t.action}: ${url}\n\n${t.outro}\n`,
    html:
      `<!doctype html><html><body style="font-family:sans-serif">` +
      `<p>${escapeHtml(t.intro)}</p>` +
      `<p><a href="${escapeHtml(url)}">${escapeHtml(t.action)}</a></p>` +
      `<p style="color:#666">${escapeHtml(t.outro)}</p></body></html>`,
  };
}
