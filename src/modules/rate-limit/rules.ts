/**
 * Rate-limit rules. Counts are per client IP and path (better-auth's key scheme).
 *
 * Credential endpoints get stricter rules than better-auth's defaults or plugin rules (two-factor: 3 per 10 s,
 * phone-number: 10 per 60 s): guessing a password, an OTP or a reset token must be slow, and every OTP or mail
 * sent costs money and annoys a real person. Gatehouse's own routes get generous limits that only stop floods.
 */
import { hasCredential } from "../../auth/principal.ts";
import type { RateLimitRule } from "./store.ts";

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
};

export interface RouteRule extends RateLimitRule {
  /** The bucket name, part of the key (`/v1/*` counts all of /v1 together). */
  readonly pattern: string;
  matches(pathname: string, request: Request): boolean;
}

const exact = (path: string) => (pathname: string) => pathname === path || pathname === `${path}/`;
const under = (prefix: string) => (pathname: string) =>
  pathname === prefix || pathname.startsWith(`${prefix}/`);

/** Gatehouse's own routes; the first matching rule applies. */
export const ROUTE_RULES: readonly RouteRule[] = [
  // The Hasura dialect's credential endpoints call better-auth's API directly, past its limiter.
  { pattern: "/v1/login", matches: exact("/v1/login"), window: 10, max: 3 },
  { pattern: "/v1/signup", matches: exact("/v1/signup"), window: 60, max: 3 },
  { pattern: "/v1/user/change-password", matches: exact("/v1/user/change-password"), window: 10, max: 3 },
  // Each of these sends an SMS or checks a 6-digit code.
  {
    pattern: "/v1/providers/*/send-otp",
    matches: (p) => /^\/v1\/providers\/[^/]+\/(send|resend)-otp\/?$/.test(p),
    window: 60,
    max: 3,
  },
  {
    pattern: "/v1/providers/*/verify-otp",
    matches: (p) => /^\/v1\/providers\/[^/]+\/verify-otp\/?$/.test(p),
    window: 60,
    max: 5,
  },
  // POST /v1/users without any credential is a public sign-up (seed 003): limited like /sign-up/*, since it
  // creates an account and sends a mail. With a credential it is an admin creating users (the /v1 rule).
  {
    pattern: "/v1/users (sign-up)",
    matches: (pathname, request) =>
      request.method === "POST" && exact("/v1/users")(pathname) && !hasCredential(request.headers),
    window: 60,
    max: 3,
  },
  // Automation (API keys) may create users in bulk: 10 requests a second per IP.
  { pattern: "/v1/*", matches: under("/v1"), window: 60, max: 600 },
  { pattern: "/health/detailed", matches: exact("/health/detailed"), window: 60, max: 60 },
  { pattern: "/cache/*", matches: under("/cache"), window: 60, max: 120 },
  { pattern: "/i18n/language", matches: exact("/i18n/language"), window: 60, max: 30 },
];

export function routeRuleFor(pathname: string, request: Request): RouteRule | undefined {
  return ROUTE_RULES.find((rule) => rule.matches(pathname, request));
}
