/**
 * better-auth's per-address rate-limit rules for credential endpoints (paths relative to /api/auth).
 *
 * Guessing is stopped by brute-force detection, which counts *failures* per account and per address
 * (src/auth/brute-force.ts); the limits here only stop floods, so that many people signing in from one address
 * (an office behind NAT, every user behind a proxy) are never slowed: 60 attempts a minute per address and
 * endpoint, against better-auth's 3 per 10 s. Sending a mail or an SMS costs money and annoys a real person,
 * so senders stay strict per address (and are limited per recipient too, src/auth/brute-force-plugin.ts).
 */
import type { RateLimitRule } from "../platform/cache/rate-limit-store.ts";

/** One credential attempt a second per address and endpoint, sustained: far above any real office. */
const FLOOD: RateLimitRule = { window: 60, max: 60 };

/** For better-auth's `rateLimit.customRules`; paths are relative to /api/auth. */
export const CREDENTIAL_RULES: Readonly<Record<string, RateLimitRule>> = {
  // Every path that checks a password or a code (brute-force detection counts their failures).
  "/sign-in/*": FLOOD,
  "/two-factor/verify-*": FLOOD,
  "/phone-number/verify": FLOOD,
  "/one-tap/callback": FLOOD,
  "/verify-password": FLOOD,
  "/change-password": FLOOD,
  "/delete-user": FLOOD,
  // Each creates an account and sends a mail.
  "/sign-up/*": { window: 60, max: 3 },
  // Each of these sends a mail or an SMS.
  "/request-password-reset": { window: 60, max: 3 },
  "/send-verification-email": { window: 60, max: 3 },
  "/phone-number/send-otp": { window: 60, max: 3 },
  "/phone-number/request-password-reset": { window: 60, max: 3 },
  // A reset token is 24 random characters: unguessable, this only stops floods of tries.
  "/reset-password": { window: 60, max: 5 },
  // Each answer says whether a username exists: enough for a sign-up form checking as a person types, not for a
  // scan of a name list.
  "/is-username-available": { window: 60, max: 20 },
};
