/** Two-factor: TOTP, one-time codes by e-mail, backup codes. */
import { twoFactor } from "better-auth/plugins";
import { renderCodeMail } from "../../infra/mail/templates.ts";
import type { PluginDeps } from "./index.ts";

export function twoFactorPlugin({ sendMail }: PluginDeps) {
  return twoFactor({
    issuer: "Gatehouse",
    otpOptions: {
      sendOTP: ({ user, otp }) => sendMail(renderCodeMail("two-factor-otp", user.email, otp)),
    },
  });
}
