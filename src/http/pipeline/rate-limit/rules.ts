/**
 * Rate-limit rules of Gatehouse's own routes. Counts are per client IP and path (better-auth's key scheme).
 * better-auth's credential endpoints have theirs in src/auth/rate-limits.ts; the rules here are generous limits
 * that only stop floods. Password guessing through the dialects' sign-in routes is stopped by brute-force
 * detection, which counts failures per account and address in better-auth's hooks (src/auth/brute-force.ts).
 */
import { hasCredential } from "../../../auth/principal.ts";
import type { RateLimitRule } from "../../../platform/cache/rate-limit-store.ts";

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
  // The Hasura dialect's credential endpoints call better-auth's API directly, past its limiter: the same flood
  // limit as /api/auth/sign-in/* (many people may sign in from one address).
  { pattern: "/v1/login", matches: exact("/v1/login"), window: 60, max: 60 },
  { pattern: "/v1/signup", matches: exact("/v1/signup"), window: 60, max: 3 },
  { pattern: "/v1/user/change-password", matches: exact("/v1/user/change-password"), window: 60, max: 60 },
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
  // GeoLens's admin API: the same flood limit as /v1 (an admin script may manage users in bulk).
  { pattern: "/api/admin/users", matches: under("/api/admin/users"), window: 60, max: 600 },
  { pattern: "/health/detailed", matches: exact("/health/detailed"), window: 60, max: 60 },
  { pattern: "/cache/*", matches: under("/cache"), window: 60, max: 120 },
  { pattern: "/i18n/language", matches: exact("/i18n/language"), window: 60, max: 30 },
];

export function routeRuleFor(pathname: string, request: Request): RouteRule | undefined {
  return ROUTE_RULES.find((rule) => rule.matches(pathname, request));
}
