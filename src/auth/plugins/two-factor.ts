/**
 * Two-factor: TOTP, one-time codes by e-mail, backup codes.
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
  return {
    ...plugin,
    hooks: {
      before: guard.before,
      after: [...plugin.hooks.after, ...guard.after],
    },
    $ERROR_CODES: { ...plugin.$ERROR_CODES, ...TWO_FACTOR_REPLAY_ERROR_CODES },
  };
}
