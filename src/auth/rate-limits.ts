/**
 * better-auth's rate-limit rules for credential endpoints, stricter than its defaults or plugin rules
 * (two-factor: 3 per 10 s, phone-number: 10 per 60 s): guessing a password, an OTP or a reset token must be
 * slow, and every OTP or mail sent costs money and annoys a real person. Counts are per client IP and path.
 */
import type { RateLimitRule } from "../platform/cache/rate-limit-store.ts";

/** For better-auth's `rateLimit.customRules`; paths are relative to /api/auth. */
export const CREDENTIAL_RULES: Readonly<Record<string, RateLimitRule>> = {
  // A person who mistypes a password three times waits seconds, a guesser gets ~18 tries a minute per IP.
  "/sign-in/*": { window: 10, max: 3 },
  "/sign-up/*": { window: 60, max: 3 },
  // Each of these sends a mail or an SMS.
  "/request-password-reset": { window: 60, max: 3 },
  "/forget-password": { window: 60, max: 3 },
  "/send-verification-email": { window: 60, max: 3 },
  "/phone-number/send-otp": { window: 60, max: 3 },
  // Each of these checks a short secret (a 6-digit code, a reset token).
  "/reset-password": { window: 60, max: 5 },
  "/two-factor/verify-*": { window: 60, max: 5 },
  "/phone-number/verify": { window: 60, max: 5 },
  "/one-tap/callback": { window: 60, max: 10 },
  // Each answer says whether a username exists: enough for a sign-up form checking as a person types, not for a
  // scan of a name list.
  "/is-username-available": { window: 60, max: 20 },
};
