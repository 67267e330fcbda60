/**
 * The refusals of the native /v1 API, one code per reason (seed 001/003 codes), declared once in a typed
 * catalogue (the code is the i18n key, src/i18n/app-errors.ts). The factories keep their call sites short and
 * add the specifics (which resource, which roles) as details.
 */
import { defineAppErrors } from "../i18n/app-errors.ts";
import type { ErrorDetails } from "../platform/errors.ts";

export const V1ErrorCodes = defineAppErrors({
  invalid_request: { status: 400 },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  tenant_mismatch: { status: 403 },
  sign_up_disabled: { status: 403 },
  not_found: { status: 404 },
  email_exists: { status: 409 },
  role_exists: { status: 409 },
  role_in_use: { status: 409 },
  last_owner: { status: 409 },
  built_in_role: { status: 409 },
  invalid_roles: { status: 422 },
  invalid_policy: { status: 422 },
  policy_locks_out_owner: { status: 422 },
  password_too_common: { status: 400 },
  password_contains_identifier: { status: 400 },
});

const c = V1ErrorCodes;

export const V1Errors = {
  invalidRequest: (message: string, details?: ErrorDetails) =>
    c.invalid_request({ message, ...(details ? { details } : {}) }),
  passwordTooCommon: (field: string) => c.password_too_common({ details: { field } }),
  passwordContainsIdentifier: (field: string) => c.password_contains_identifier({ details: { field } }),
  unauthenticated: () => c.unauthenticated(),
  forbidden: (notices: readonly string[] = []) => c.forbidden({ notices }),
  tenantMismatch: () => c.tenant_mismatch(),
  notFound: (what = "resource") => c.not_found({ message: `No such ${what}`, details: { resource: what } }),
  emailExists: () => c.email_exists(),
  roleExists: () => c.role_exists(),
  roleInUse: (holders: number) => c.role_in_use({ details: { holders } }),
  lastOwner: () => c.last_owner(),
  builtInRole: (role: string) => c.built_in_role({ details: { role } }),
  invalidRoles: (invalid: readonly string[]) => c.invalid_roles({ details: { invalid_roles: invalid } }),
  invalidPolicy: (errors: readonly string[]) => c.invalid_policy({ details: { errors } }),
  /** `actions`: what the rule would deny the owner (policies.list, policies.update, policies.delete). */
  policyLocksOutOwner: (actions: readonly string[]) => c.policy_locks_out_owner({ details: { actions } }),
  signUpDisabled: () => c.sign_up_disabled(),
} as const;
