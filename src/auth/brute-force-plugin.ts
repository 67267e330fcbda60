/**
 * The better-auth side of brute-force detection (the rules: src/auth/brute-force.ts). Its hooks run on every
 * call of a password- or code-checking endpoint, over HTTP and through `auth.api.*` alike, so the Hasura
 * dialect's /v1/login and change-password (src/identity/accounts/credentials.ts) are counted with the same
 * counters as /api/auth.
 *
 * - before: refuse with 429 RATE_LIMITED while the account or the client address is locked out; limit mail and
 *   SMS sends per recipient.
 * - after: a refused credential counts one failure for the account and the address; a completed sign-in (a
 *   session opened, not a pending second factor) or a passed password check forgets the account's failures.
 *
 * The account is the user id when the identifier names one, else the identifier itself, so that unknown and
 * known accounts lock out alike (no enumeration through the lockout).
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { errorMessage } from "../i18n/index.ts";
import type { Cache } from "../platform/cache/index.ts";
import { createRateLimitStore, type RateLimitRule } from "../platform/cache/rate-limit-store.ts";
import { CLIENT_IP_HEADER } from "../platform/client-ip.ts";
import { ACCOUNT_POLICY, ADDRESS_POLICY, createFailureCounter } from "./brute-force.ts";

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** Endpoints that check a password or a one-time code, and how each names the account. */
const CHECKED_PATHS: Readonly<Record<string, "email" | "username" | "phone" | "session" | "two-factor">> = {
  "/sign-in/email": "email",
  "/sign-in/username": "username",
  "/sign-in/phone-number": "phone",
  "/phone-number/verify": "phone",
  "/two-factor/verify-totp": "two-factor",
  "/two-factor/verify-otp": "two-factor",
  "/two-factor/verify-backup-code": "two-factor",
  "/two-factor/enable": "session",
  "/two-factor/disable": "session",
  "/verify-password": "session",
  "/change-password": "session",
  "/delete-user": "session",
};

/** Refusals that mean "wrong credential" (not a malformed request, not a disabled account). */
const CREDENTIAL_FAILURES = new Set([
  "INVALID_EMAIL_OR_PASSWORD",
  "INVALID_USERNAME_OR_PASSWORD",
  "INVALID_PHONE_NUMBER_OR_PASSWORD",
  "INVALID_PASSWORD",
  "INVALID_CODE",
  "INVALID_BACKUP_CODE",
  "INVALID_OTP",
  "OTP_EXPIRED",
  "TOO_MANY_ATTEMPTS",
]);

/** Endpoints that send a mail or an SMS, and the body field naming the recipient. */
const SENDING_PATHS: Readonly<Record<string, string>> = {
  "/request-password-reset": "email",
  "/send-verification-email": "email",
  "/phone-number/send-otp": "phoneNumber",
  "/phone-number/request-password-reset": "phoneNumber",
  "/change-email": "newEmail",
};

/**
 * Per recipient, whatever the address: a person asking again because a mail is slow gets several, a script
 * cannot flood one inbox or phone (the per-address limits of src/auth/rate-limits.ts stop floods of many).
 */
export const RECIPIENT_RULE: RateLimitRule = { window: 60 * 60, max: 5 };

export function bruteForcePlugin({ cache }: { cache: Cache }) {
  const accounts = createFailureCounter(cache, ACCOUNT_POLICY);
  const addresses = createFailureCounter(cache, ADDRESS_POLICY);
  const sends = createRateLimitStore(cache);

  const before = createAuthMiddleware(async (ctx) => {
    const recipientField = SENDING_PATHS[ctx.path];
    if (recipientField) return limitRecipient(ctx, recipientField);
    if (!CHECKED_PATHS[ctx.path]) return;
    const address = addressOf(ctx);
    const account = await accountOf(ctx);
    const locks = await Promise.all([
      address ? addresses.lockout(address) : null,
      account ? accounts.lockout(account) : null,
    ]);
    const longest = Math.max(0, ...locks.map((lock) => lock?.retryAfter ?? 0));
    if (longest > 0) throw lockedOut(longest);
  });

  const after = createAuthMiddleware(async (ctx) => {
    if (!CHECKED_PATHS[ctx.path]) return;
    const returned: unknown = ctx.context.returned;
    if (isAPIError(returned)) {
      const code = String((returned.body as { code?: unknown } | undefined)?.code ?? "");
      if (!CREDENTIAL_FAILURES.has(code)) return;
      const address = addressOf(ctx);
      const account = await accountOf(ctx);
      await Promise.all([
        address ? addresses.recordFailure(address) : null,
        account ? accounts.recordFailure(account) : null,
      ]);
      return;
    }
    // A right password with a second factor still to come is not a sign-in yet: a guesser of the code must
    // not have the count reset by the password step.
    if (isPendingSecondFactor(returned)) return;
    // A passed second factor has consumed its cookie: the new session names the account.
    const signedIn = ctx.context.newSession?.user.id;
    const account = signedIn ? `user:${signedIn}` : await accountOf(ctx);
    if (account) await accounts.forget(account);
  });

  async function limitRecipient(ctx: HookContext, field: string): Promise<void> {
    const value = (ctx.body as Record<string, unknown> | undefined)?.[field];
    if (typeof value !== "string" || value === "") return;
    const key = `recipient:${value.trim().toLowerCase()}|${ctx.path}`;
    const { allowed, retryAfter } = await sends.consume(key, RECIPIENT_RULE);
    if (!allowed) throw lockedOut(retryAfter ?? RECIPIENT_RULE.window);
  }

  return {
    id: "brute-force",
    hooks: {
      before: [{ matcher: () => true, handler: before }],
      after: [{ matcher: () => true, handler: after }],
    },
  } satisfies BetterAuthPlugin;
}

function addressOf(ctx: HookContext): string | null {
  const ip = ctx.headers?.get(CLIENT_IP_HEADER) ?? ctx.request?.headers.get(CLIENT_IP_HEADER);
  return ip ? `address:${ip}` : null;
}

/** The account an attempt is about, or null when the request does not name one. */
async function accountOf(ctx: HookContext): Promise<string | null> {
  const how = CHECKED_PATHS[ctx.path];
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const adapter = ctx.context.adapter;
  const byField = async (field: string, raw: unknown, normalize: (value: string) => string) => {
    if (typeof raw !== "string" || raw === "") return null;
    const value = normalize(raw);
    const user = await adapter.findOne<{ id: string }>({ model: "user", where: [{ field, value }] });
    return user ? `user:${user.id}` : `${field}:${value}`;
  };
  switch (how) {
    case "email":
      return byField("email", body.email, (value) => value.trim().toLowerCase());
    case "username":
      return byField("username", body.username, (value) => value.trim().toLowerCase());
    case "phone":
      return byField("phoneNumber", body.phoneNumber, (value) => value.trim());
    case "session":
      return sessionAccount(ctx);
    case "two-factor":
      return (await sessionAccount(ctx)) ?? (await pendingSecondFactorAccount(ctx));
    default:
      return null;
  }
}

/**
 * The signed-in account, from the session token of the cookie or the Bearer header. Read here rather than with
 * getSessionFromCtx: before-hooks run ahead of the bearer plugin's header rewrite and of the endpoint's own
 * session lookup, which must not be pre-empted.
 */
async function sessionAccount(ctx: HookContext): Promise<string | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.headers?.get("authorization") ?? "")?.[1];
  const cookie = await ctx
    .getSignedCookie(ctx.context.authCookies.sessionToken.name, ctx.context.secret)
    .catch(() => null);
  const raw = cookie || (bearer ? safeDecode(bearer) : null);
  // A signed token is `<token>.<signature>`; session tokens themselves have no dot.
  const token = raw?.split(".")[0];
  if (!token) return null;
  const found = await ctx.context.internalAdapter.findSession(token).catch(() => null);
  return found ? `user:${found.user.id}` : null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The account behind the two-factor cookie that the password step set (better-auth's two-factor plugin). */
async function pendingSecondFactorAccount(ctx: HookContext): Promise<string | null> {
  const cookie = ctx.context.createAuthCookie("two_factor");
  const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret).catch(() => null);
  if (!identifier) return null;
  const verification = await ctx.context.internalAdapter.findVerificationValue(identifier);
  return verification ? `user:${verification.value}` : null;
}

function isPendingSecondFactor(returned: unknown): boolean {
  return (
    typeof returned === "object" &&
    returned !== null &&
    (returned as { twoFactorRedirect?: unknown }).twoFactorRedirect === true
  );
}

function lockedOut(seconds: number): APIError {
  const retryAfter = String(seconds);
  // X-Retry-After is how better-auth's own limiter says it; the rate-limit pipeline piece adds Retry-After to
  // those answers (src/http/pipeline/rate-limit/index.ts), and in-process callers read either.
  return new APIError(
    "TOO_MANY_REQUESTS",
    { code: "RATE_LIMITED", message: errorMessage("en", "RATE_LIMITED") ?? "Too many requests" },
    { "Retry-After": retryAfter, "X-Retry-After": retryAfter },
  );
}
