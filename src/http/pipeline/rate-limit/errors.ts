/**
 * The rate limiter's refusal. The code is the contract (the i18n layer translates the message by code); the
 * English message is the fallback.
 */
export const RATE_LIMIT_ERROR_CODES = {
  RATE_LIMITED: "Too many requests. Please try again later.",
} as const;

export const RATE_LIMITED = "RATE_LIMITED";
