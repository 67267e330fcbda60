/** Phone number sign-in and verification by SMS code. */
import { phoneNumber } from "better-auth/plugins";
import { phoneRecipientLocale } from "../../i18n/recipient.ts";
import { renderSms } from "../../infra/mail/templates.ts";
import type { PluginDeps } from "./index.ts";

// Codes live 5 minutes (the ceiling is 10) and allow 3 wrong tries before a new one must be requested.
const OTP_TTL_SECONDS = 5 * 60;
const OTP_ATTEMPTS = 3;

export function phoneNumberPlugin({ config, sendSms }: PluginDeps) {
  return phoneNumber({
    expiresIn: OTP_TTL_SECONDS,
    allowedAttempts: OTP_ATTEMPTS,
    sendOTP: async ({ phoneNumber: to, code }, ctx) =>
      sendSms(renderSms("phone-otp", to, code, await phoneRecipientLocale(ctx, to, config.defaultLocale))),
    sendPasswordResetOTP: async ({ phoneNumber: to, code }, ctx) =>
      sendSms(
        renderSms("phone-reset-otp", to, code, await phoneRecipientLocale(ctx, to, config.defaultLocale)),
      ),
  });
}
