/**
 * The flash messages of the account page: a successful post redirects to `/account?done=<notice>` (so a reload
 * does not post again), and the page shows the notice's text. Only these names are shown; anything else in
 * `done` is ignored, so a link cannot make the page say something of its choosing.
 */
import type { TranslationKey } from "../../../i18n/index.ts";

export const NOTICES = {
  profile: "accountPage.notices.profile",
  "email-sent": "accountPage.notices.emailSent",
  password: "accountPage.notices.password",
  "session-revoked": "accountPage.notices.sessionRevoked",
  "others-revoked": "accountPage.notices.othersRevoked",
  "two-factor-on": "accountPage.notices.twoFactorOn",
  "two-factor-off": "accountPage.notices.twoFactorOff",
  unlinked: "accountPage.notices.unlinked",
  linked: "accountPage.notices.linked",
  "link-failed": "accountPage.notices.linkFailed",
  "app-revoked": "accountPage.notices.appRevoked",
} as const satisfies Record<string, TranslationKey>;
export type Notice = keyof typeof NOTICES;

export function noticeOf(value: unknown): Notice | undefined {
  return typeof value === "string" && Object.hasOwn(NOTICES, value) ? (value as Notice) : undefined;
}

/** Where a successful post sends the browser: the page, its notice, and the section it was about. */
export function afterAction(notice: Notice, anchor: string): string {
  return `/account?done=${notice}#${anchor}`;
}
