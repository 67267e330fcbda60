/**
 * Phone number sign-in and verification by SMS code. Every phone endpoint takes E.164 numbers only, so that one
 * number has one spelling (and one account) and garbage is a 400 before any code is made or sent.
 */
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { phoneNumber } from "better-auth/plugins";
import { phoneRecipientLocale } from "../../i18n/recipient.ts";
import { renderSms } from "../../i18n/templates.ts";
import { PHONE_E164_PATTERN } from "../account-rules.ts";
import type { PluginDeps } from "./deps.ts";
import { phoneSignUpOnVerification, UNREGISTERED_NUMBER } from "./phone-sign-up.ts";

// Codes live 5 minutes (the ceiling is 10) and allow 3 wrong tries before a new one must be requested.
const OTP_TTL_SECONDS = 5 * 60;
const OTP_ATTEMPTS = 3;

// E.164 (src/auth/account-rules.ts): "+", a country code that does not start with 0, 7 to 15 digits.
const E164 = PHONE_E164_PATTERN;

/** Endpoints whose body carries a phone number (the old /phone-number/forget-password arrives rewritten). */
const PHONE_PATHS = new Set([
  "/sign-in/phone-number",
  "/phone-number/send-otp",
  "/phone-number/verify",
  "/phone-number/request-password-reset",
  "/phone-number/reset-password",
]);

// better-auth's own code and message for this refusal (its PHONE_NUMBER_ERROR_CODES is not exported).
const INVALID_PHONE_NUMBER = { code: "INVALID_PHONE_NUMBER", message: "Invalid phone number" } as const;

export function isE164(phone: string): boolean {
  return E164.test(phone);
}

const hooks = {
  before: [
    {
      matcher: (ctx: { path?: string }) => PHONE_PATHS.has(ctx.path ?? ""),
      handler: createAuthMiddleware(async (ctx) => {
        // A missing or non-string number is left to the endpoint's own validation.
        const phone = (ctx.body as { phoneNumber?: unknown } | undefined)?.phoneNumber;
        if (typeof phone === "string" && !isE164(phone)) {
          throw APIError.from("BAD_REQUEST", INVALID_PHONE_NUMBER);
        }
      }),
    },
  ],
  after: [
    {
      matcher: (ctx: { path?: string }) => ctx.path === "/phone-number/verify",
      handler: createAuthMiddleware(async (ctx) => {
        // Verifying (without a session) a number no account has while sign-up is disabled (phone-sign-up.ts):
        // better-auth has no user to update and answers 500; the number is not registered, so say so. The code
        // was valid, so this reveals nothing to a guesser.
        const returned = ctx.context.returned;
        if (!isAPIError(returned) || returned.body?.code !== "FAILED_TO_UPDATE_USER") return;
        // Over HTTP better-auth keeps the endpoint's status (500) for an error thrown in an after hook, so answer
        // with a Response there; a direct auth.api call gets the error itself.
        if (ctx.request) return Response.json(UNREGISTERED_NUMBER, { status: 400 });
        throw APIError.from("BAD_REQUEST", UNREGISTERED_NUMBER);
      }),
    },
  ],
};

export function phoneNumberPlugin({ config, sendSms }: PluginDeps) {
  const plugin = phoneNumber({
    expiresIn: OTP_TTL_SECONDS,
    allowedAttempts: OTP_ATTEMPTS,
    phoneNumberValidator: isE164,
    signUpOnVerification: phoneSignUpOnVerification(config),
    sendOTP: async ({ phoneNumber: to, code }, ctx) =>
      sendSms(renderSms("phone-otp", to, code, await phoneRecipientLocale(ctx, to, config.defaultLocale))),
    sendPasswordResetOTP: async ({ phoneNumber: to, code }, ctx) =>
      sendSms(
        renderSms("phone-reset-otp", to, code, await phoneRecipientLocale(ctx, to, config.defaultLocale)),
      ),
  });
  return {
    ...plugin,
    hooks: { before: [...plugin.hooks.before, ...hooks.before], after: hooks.after },
  };
}
