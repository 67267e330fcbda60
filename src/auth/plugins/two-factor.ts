/**
 * Two-factor: TOTP, one-time codes by e-mail, backup codes.
 *
 * better-auth's challenge ("twoFactorRedirect": the session just opened is dropped and a `two_factor` cookie
 * names the pending sign-in) hooks only the password sign-ins (/sign-in/email, /sign-in/username,
 * /sign-in/phone-number). Every other path that opens a session for an account (phone code, social or OIDC
 * callback, ID-token sign-in, One Tap, the auto sign-in of e-mail verification) gets the same challenge here, so a
 * second factor cannot be skipped by choosing another way in. Redirect flows keep their redirect and add
 * `twoFactorRedirect=true` to the callback URL, where the client asks for the code.
 *
 * better-auth accepts a TOTP code as often as it is presented while it is valid (about 90 s), so whoever sees a
 * code (over a shoulder, in a proxy log) could use it again. A hook here lets each code through once per user
 * (RFC 6238 §5.2). E-mail codes and backup codes are single-use in better-auth already.
 */
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { twoFactor } from "better-auth/plugins";
import { recipientLocale } from "../../i18n/negotiate.ts";
import { renderCodeMail } from "../../i18n/templates.ts";
import type { PluginDeps } from "./deps.ts";

// E-mail codes live 5 minutes (the ceiling is 10: long enough for a slow mailbox) and allow 3 wrong
// tries before a new one must be requested, as phone codes do.
const OTP_TTL_MINUTES = 5;
const OTP_ATTEMPTS = 3;

// better-auth's TOTP defaults (30 s, 6 digits) are what every authenticator app expects.
const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
// better-auth accepts the codes of the previous, current and next period (window 1), so a code stays acceptable
// for at most three periods: remembering a used code that long is enough to refuse every replay.
const USED_TOTP_TTL_SECONDS = 3 * TOTP_PERIOD_SECONDS;
// better-auth's name for the cookie that carries a pending sign-in's two-factor challenge.
const TWO_FACTOR_COOKIE = "two_factor";
const VERIFY_TOTP_PATH = "/two-factor/verify-totp";
const TOTP_CODE = new RegExp(`^\\d{${TOTP_DIGITS}}$`);

/** Paths besides the password sign-ins that open a session for an existing account (see the header). */
const OTHER_SIGN_IN_PATHS = new Set([
  "/phone-number/verify",
  "/sign-in/social",
  "/callback/:id",
  "/one-tap/callback",
  "/verify-email",
]);
/** Of those, the ones that answer a browser with a redirect to the client's callback URL. */
const REDIRECTING_SIGN_IN_PATHS = new Set(["/callback/:id", "/verify-email"]);
/** The query parameter a redirect flow's callback URL gets when a second factor is due. */
export const TWO_FACTOR_REDIRECT_PARAM = "twoFactorRedirect";

export const TWO_FACTOR_REPLAY_ERROR_CODES = {
  TOTP_CODE_ALREADY_USED: {
    code: "TOTP_CODE_ALREADY_USED",
    message: "This code has already been used. Wait for the next one.",
  },
} as const;

type MiddlewareContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** The user a TOTP code is presented for: the signed-in user, or the one of a pending sign-in challenge. */
async function totpUserId(ctx: MiddlewareContext): Promise<string | null> {
  const session = await getSessionFromCtx(ctx, { disableRefresh: true });
  if (session) return session.user.id;
  const cookie = ctx.context.createAuthCookie(TWO_FACTOR_COOKIE);
  const challenge = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  if (!challenge) return null;
  const verification = await ctx.context.internalAdapter.findVerificationValue(challenge);
  return verification?.value ?? null;
}

/** The cache key that marks a code as used; null when there is nothing to guard (the endpoint will refuse). */
async function usedCodeKey(ctx: MiddlewareContext): Promise<string | null> {
  const code = (ctx.body as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || !TOTP_CODE.test(code)) return null;
  const userId = await totpUserId(ctx);
  return userId ? `two-factor:used-totp:${userId}:${code}` : null;
}

/**
 * Claims the code before better-auth verifies it (atomic, so two concurrent requests with one code cannot both
 * pass), and gives the claim back when the verification fails, so that only accepted codes stay used.
 */
function totpReplayGuard() {
  const matcher = (ctx: { path?: string }) => ctx.path === VERIFY_TOTP_PATH;
  return {
    before: [
      {
        matcher,
        handler: createAuthMiddleware(async (ctx) => {
          const storage = ctx.context.secondaryStorage;
          const key = storage ? await usedCodeKey(ctx) : null;
          if (!storage || !key) return;
          let uses: number;
          try {
            uses = await storage.increment(key, USED_TOTP_TTL_SECONDS);
          } catch (error) {
            // A cache outage must not take two-factor sign-in down; the code is still verified, only its reuse
            // within the next 90 s goes unnoticed.
            ctx.context.logger.warn("could not record a used TOTP code", error);
            return;
          }
          if (uses > 1)
            throw APIError.from("UNAUTHORIZED", TWO_FACTOR_REPLAY_ERROR_CODES.TOTP_CODE_ALREADY_USED);
        }),
      },
    ],
    after: [
      {
        matcher,
        handler: createAuthMiddleware(async (ctx) => {
          const storage = ctx.context.secondaryStorage;
          if (!storage || !isAPIError(ctx.context.returned)) return;
          const key = await usedCodeKey(ctx);
          if (!key) return;
          await Promise.resolve(storage.delete(key)).catch((error: unknown) =>
            ctx.context.logger.warn("could not release a TOTP code", error),
          );
        }),
      },
    ],
  };
}

interface HookContext {
  path?: string;
  context: {
    newSession?: { session: { token: string } } | null;
    session?: { session: { token: string } } | null;
    returned?: unknown;
    responseHeaders?: Headers;
  };
}

/**
 * Whether the request opened a session other than the one it came with: e-mail verification by a signed-in user
 * re-sets the cookie of the current session, which is no sign-in (the endpoint has read that session into
 * `context.session` by then).
 */
function openedNewSession(ctx: HookContext): boolean {
  const opened = ctx.context.newSession?.session.token;
  return opened !== undefined && opened !== ctx.context.session?.session.token;
}

function isChallenge(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { twoFactorRedirect?: unknown }).twoFactorRedirect === true
  );
}

/**
 * better-auth's challenge answers JSON; on a redirect flow the browser must still land on the client's callback
 * URL (which the endpoint's redirect put in the response headers), now told that a second factor is due.
 */
const redirectWithChallenge = {
  matcher: (ctx: HookContext) =>
    REDIRECTING_SIGN_IN_PATHS.has(ctx.path ?? "") &&
    isChallenge(ctx.context.returned) &&
    Boolean(ctx.context.responseHeaders?.get("location")),
  handler: createAuthMiddleware(async (ctx) => {
    const location = ctx.context.responseHeaders?.get("location") ?? "/";
    const target = new URL(location, ctx.context.baseURL);
    target.searchParams.set(TWO_FACTOR_REDIRECT_PARAM, "true");
    throw ctx.redirect(target.toString());
  }),
};

export function twoFactorPlugin({ config, sendMail }: PluginDeps) {
  const plugin = twoFactor({
    issuer: "Gatehouse",
    totpOptions: { period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS },
    otpOptions: {
      period: OTP_TTL_MINUTES,
      allowedAttempts: OTP_ATTEMPTS,
      // A database reader must not be able to use a pending code.
      storeOTP: "hashed",
      sendOTP: ({ user, otp }, ctx) =>
        sendMail(
          renderCodeMail(
            "two-factor-otp",
            user.email,
            otp,
            recipientLocale(user, ctx?.request, config.defaultLocale),
          ),
        ),
    },
  });
  const guard = totpReplayGuard();
  const [challenge, ...otherAfterHooks] = plugin.hooks.after;
  if (!challenge) throw new Error("better-auth's twoFactor plugin has no sign-in hook");
  const everySignIn = {
    matcher: (ctx: HookContext) =>
      challenge.matcher(ctx as Parameters<typeof challenge.matcher>[0]) ||
      (OTHER_SIGN_IN_PATHS.has(ctx.path ?? "") && openedNewSession(ctx)),
    handler: challenge.handler,
  };
  return {
    ...plugin,
    hooks: {
      before: guard.before,
      after: [everySignIn, redirectWithChallenge, ...otherAfterHooks, ...guard.after],
    },
    $ERROR_CODES: { ...plugin.$ERROR_CODES, ...TWO_FACTOR_REPLAY_ERROR_CODES },
  };
}
