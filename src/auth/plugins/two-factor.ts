/** Two-factor: TOTP, one-time codes by e-mail, backup codes. */
import { twoFactor } from "better-auth/plugins";
import type { PluginDeps } from "./index.ts";

export function twoFactorPlugin({ sendMail }: PluginDeps) {
  return twoFactor({
    issuer: "Gatehouse",
    otpOptions: {
      sendOTP: ({ user, otp }) =>
        sendMail({
          to: user.email,
          subject: "Your sign-in code",
          text: `Your sign-in code is ${otp}. It expires in a few minutes.\n`,
          html: `<p>Your sign-in code is <b>${otp}</b>. It expires in a few minutes.</p>`,
        }),
    },
    skipVerificationOnEnable: false,
  });
}
