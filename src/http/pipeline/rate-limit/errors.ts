/**
 * The rate limiter's refusal. The code is the contract, shared with better-auth's own limiter (its 429 is given
 * this code in src/i18n/auth-errors.ts); the i18n layer translates the message by code.
 */
import { defineAppErrors } from "../../../i18n/app-errors.ts";

export const RateLimitErrors = defineAppErrors({
  RATE_LIMITED: { status: 429 },
});

export const rateLimited = (retryAfterSeconds: number) =>
  RateLimitErrors.RATE_LIMITED({ details: { retry_after: retryAfterSeconds } });
