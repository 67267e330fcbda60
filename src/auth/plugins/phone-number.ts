/** Phone number sign-in and verification by SMS code. */
import { phoneNumber } from "better-auth/plugins";
import { renderSms } from "../../infra/mail/templates.ts";
import type { PluginDeps } from "./index.ts";

// Codes live 5 minutes (the ceiling is 10) and allow 3 wrong tries before a new one must be requested.
const OTP_TTL_SECONDS = 5 * 60;
const OTP_ATTEMPTS = 3;

export function phoneNumberPlugin({ sendSms }: PluginDeps) {
  return phoneNumber({
    expiresIn: OTP_TTL_SECONDS,
    allowedAttempts: OTP_ATTEMPTS,
    sendOTP: ({ phoneNumber: to, code }) => sendSms(renderSms("phone-otp", to, code)),
    sendPasswordResetOTP: ({ phoneNumber: to, code }) => sendSms(renderSms("phone-reset-otp", to, code)),
  });
}
