/**
 * The refusals of the native /v1 API, one code per reason (seed 001/003 codes). The message here is English;
 * the I18n catalogue translates it by code.
 */
import { AppError, type ErrorDetails } from "../platform/errors.ts";

export const V1Errors = {
  invalidRequest: (message: string, details?: ErrorDetails) =>
    new AppError("invalid_request", 400, message, details),
  unauthenticated: () => new AppError("unauthenticated", 401, "Authentication required"),
  forbidden: (notices: readonly string[] = []) =>
    new AppError("forbidden", 403, "You are not allowed to do this", undefined, notices),
  tenantMismatch: () =>
    new AppError("tenant_mismatch", 403, "X-Tenant-ID does not match the tenant of the credential"),
  notFound: (what = "resource") => new AppError("not_found", 404, `No such ${what}`, { resource: what }),
  emailExists: () => new AppError("email_exists", 409, "A user with this email already exists."),
  roleExists: () => new AppError("role_exists", 409, "This role already exists"),
  roleInUse: (holders: number) =>
    new AppError("role_in_use", 409, "This role is still assigned to members", { holders }),
  invalidRoles: (invalid: readonly string[]) =>
    new AppError("invalid_roles", 422, "Some roles do not exist in this tenant", { invalid_roles: invalid }),
  invalidPolicy: (errors: readonly string[]) =>
    new AppError("invalid_policy", 422, "The policy is not valid", { errors }),
  signUpDisabled: () => new AppError("sign_up_disabled", 403, "Sign-up is disabled"),
} as const;
