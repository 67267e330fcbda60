/**
 * The refusals of the Hasura Auth v1 dialect, with Hasura's codes, statuses and wording (its API reference:
 * mostly 400; the codes are the wire contract and keep Hasura's English wording), and the translation of
 * everything else that can go wrong underneath (the canonical service's AppErrors, better-auth's APIErrors, the
 * pipeline's refusals, Elysia's validation errors) into that one `{code, message}` shape: the dialect's
 * ErrorRenderer (error-renderer.ts).
 */
import { isAPIError } from "better-auth/api";
import { AppError, defineErrors } from "../../platform/errors.ts";

export const HASURA_ERRORS = defineErrors({
  "invalid-args": { status: 400, message: "invalid arguments" },
  "invalid-provider": { status: 400, message: "invalid provider" },
  "invalid-email": { status: 400, message: "bad email address" },
  "invalid-creds": { status: 400, message: "invalid credentials" },
  "invalid-password": { status: 400, message: "password should be at least 8 characters long" },
  "not-enabled": { status: 400, message: "provider is disabled" },
  "user-exists": { status: 400, message: "user already exists" },
  "email-exists": { status: 400, message: "user with email already exists" },
  "no-role": { status: 400, message: "given role does not exists" },
  "role-error": { status: 400, message: "role error" },
  "not-active": { status: 400, message: "user is deactivated. Can't login" },
  unauthorized: { status: 401, message: "a valid auth_token is required" },
  "access-denied": { status: 403, message: "this action needs the admin role" },
  "not-verified": { status: 403, message: "user is not verified" },
  "not-found": { status: 404, message: "no such user exists" },
  // The statuses every surface answers (src/http/pipeline/error-renderer.ts), in Hasura's spelling.
  "no-route": { status: 404, message: "no such route" },
  "method-not-allowed": { status: 405, message: "method not allowed" },
  "payload-too-large": { status: 413, message: "the request body is too large" },
  "unsupported-media-type": { status: 415, message: "the request body must be JSON" },
  "too-many-requests": { status: 429, message: "too many requests, try again later" },
  "headers-too-large": { status: 431, message: "the request headers are too large" },
  "unexpected-state": { status: 500, message: "unexpected state" },
  // The database is away (src/http/pipeline/error-renderer.ts): come back after Retry-After.
  "service-unavailable": { status: 503, message: "the service is unavailable, try again later" },
});

export type HasuraErrorCode = Exclude<keyof typeof HASURA_ERRORS, "specs">;

export interface HasuraErrorBody {
  code: string;
  message: string;
}

export function hasuraError(code: HasuraErrorCode, message?: string): AppError {
  return HASURA_ERRORS[code](message === undefined ? {} : { message });
}

function isHasuraCode(code: string): code is HasuraErrorCode {
  return Object.hasOwn(HASURA_ERRORS.specs, code);
}

/** The pipeline's refusals (native codes), by status. */
const BY_STATUS: Readonly<Record<number, HasuraErrorCode>> = {
  400: "invalid-args",
  404: "no-route",
  405: "method-not-allowed",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "too-many-requests",
  431: "headers-too-large",
  503: "service-unavailable",
};

/** The canonical service's codes (src/identity/accounts/service.ts) in Hasura's words. */
const FROM_ACCOUNTS: Readonly<Record<string, HasuraErrorCode>> = {
  email_exists: "email-exists",
  username_exists: "user-exists",
  phone_exists: "user-exists",
  not_found: "not-found",
};

/** Password refusals beyond the length rule: Hasura's `invalid-password`, with the reason as its message. */
const PASSWORD_RULES = new Set([
  "password_too_common",
  "password_contains_identifier",
  "PASSWORD_TOO_COMMON",
  "PASSWORD_CONTAINS_IDENTIFIER",
]);

const ACCOUNT_RULES = new Set([
  "cannot_change_own_role",
  "cannot_disable_self",
  "cannot_delete_self",
  "last_admin",
]);

/** better-auth's codes met on the dialect's paths (sign-in, OTP, password change). */
const FROM_AUTH: Readonly<Record<string, HasuraErrorCode>> = {
  INVALID_USERNAME_OR_PASSWORD: "invalid-creds",
  INVALID_EMAIL_OR_PASSWORD: "invalid-creds",
  INVALID_PHONE_NUMBER_OR_PASSWORD: "invalid-creds",
  INVALID_PASSWORD: "invalid-creds",
  CREDENTIAL_ACCOUNT_NOT_FOUND: "invalid-creds",
  INVALID_OTP: "invalid-creds",
  OTP_EXPIRED: "invalid-creds",
  OTP_NOT_FOUND: "invalid-creds",
  TOO_MANY_ATTEMPTS: "invalid-creds",
  PHONE_NUMBER_NOT_EXIST: "invalid-creds",
  // The second factor of /v1/login/two-factor (better-auth's twoFactor codes and ours).
  INVALID_CODE: "invalid-creds",
  INVALID_BACKUP_CODE: "invalid-creds",
  OTP_HAS_EXPIRED: "invalid-creds",
  INVALID_TWO_FACTOR_COOKIE: "invalid-creds",
  TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE: "invalid-creds",
  TOTP_CODE_ALREADY_USED: "invalid-creds",
  INVALID_PHONE_NUMBER: "invalid-args",
  INVALID_USERNAME: "invalid-args",
  USERNAME_TOO_SHORT: "invalid-args",
  USERNAME_TOO_LONG: "invalid-args",
  INVALID_EMAIL: "invalid-email",
  PASSWORD_TOO_SHORT: "invalid-password",
  PASSWORD_TOO_LONG: "invalid-password",
  BANNED_USER: "not-active",
  EMAIL_NOT_VERIFIED: "not-verified",
  USER_ALREADY_EXISTS: "user-exists",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "email-exists",
  USERNAME_IS_ALREADY_TAKEN: "user-exists",
  PHONE_NUMBER_EXIST: "user-exists",
  // Brute-force detection's lockout (src/auth/brute-force-plugin.ts).
  RATE_LIMITED: "too-many-requests",
};

/**
 * The Hasura error an exception stands for, or null when it is not one we expect (a bug or an outage: the
 * caller logs it and answers `unexpected-state`).
 */
export function toHasuraError(error: unknown): AppError | null {
  if (error instanceof AppError) {
    if (isHasuraCode(error.code)) return error;
    // The account rules (not yourself, not the last admin) have no Hasura code: their words carry the reason.
    if (PASSWORD_RULES.has(error.code)) return hasuraError("invalid-password", error.message);
    if (ACCOUNT_RULES.has(error.code)) return hasuraError("invalid-args", error.message);
    // The pipeline's origin check (src/http/pipeline/origin-check.ts): a refusal of the caller, in its words.
    if (error.code === "untrusted_origin") return hasuraError("access-denied", error.message);
    const mapped = FROM_ACCOUNTS[error.code] ?? BY_STATUS[error.status];
    if (mapped) return hasuraError(mapped);
    // Another module's refusal: a problem with the request, in that module's words.
    return error.status < 500 ? hasuraError("invalid-args", error.message) : null;
  }
  if (isAPIError(error)) {
    const code = String((error.body as { code?: unknown } | undefined)?.code ?? "");
    const message = (error.body as { message?: unknown } | undefined)?.message;
    if (PASSWORD_RULES.has(code) && typeof message === "string")
      return hasuraError("invalid-password", message);
    const mapped = FROM_AUTH[code];
    if (mapped) return hasuraError(mapped);
    // Any other refusal of a request (4xx) is a problem with the arguments; 5xx are ours.
    return error.statusCode < 500 ? hasuraError("invalid-args") : null;
  }
  return null;
}

export function errorBody(error: AppError): HasuraErrorBody {
  return { code: error.code, message: error.message };
}
