/**
 * GeoLens's refusals and how every refusal reaches a GeoLens client: as FastAPI renders them, `{detail: "<text>"}`
 * for an HTTPException and `{detail: [<pydantic errors>]}` (422) for invalid input. The canonical service's codes
 * are mapped here to GeoLens's statuses and words; the app-wide (native) error envelope never applies.
 */
import { isAPIError } from "better-auth/api";
import { AppError, jsonResponse } from "../../platform/errors.ts";
import { type Loc, type ValidationIssue, valueError } from "./pydantic.ts";

export const GEOLENS_ERROR_CODES = {
  NOT_AUTHENTICATED: "NOT_AUTHENTICATED",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  ADMIN_REQUIRED: "ADMIN_REQUIRED",
  VALIDATION_FAILED: "VALIDATION_FAILED",
} as const;

/** The header FastAPI's HTTPBearer sends with every 401. */
const BEARER_CHALLENGE = { "www-authenticate": "Bearer" };

export const GeoLensErrors = {
  notAuthenticated: () => new AppError(GEOLENS_ERROR_CODES.NOT_AUTHENTICATED, 401, "Not authenticated"),
  invalidCredentials: () =>
    new AppError(GEOLENS_ERROR_CODES.INVALID_CREDENTIALS, 401, "Could not validate credentials"),
  adminRequired: () => new AppError(GEOLENS_ERROR_CODES.ADMIN_REQUIRED, 403, "Admin privileges required"),
  validation: (issues: readonly ValidationIssue[]) =>
    new AppError(GEOLENS_ERROR_CODES.VALIDATION_FAILED, 422, "Validation error", { issues }),
} as const;

/** Canonical refusal code → GeoLens's status and detail. */
const CANONICAL: Readonly<Record<string, readonly [number, string]>> = {
  email_exists: [409, "Email already registered"],
  username_exists: [409, "Username already taken"],
  not_found: [404, "User not found"],
  cannot_change_own_role: [422, "You cannot change your own role"],
  cannot_disable_self: [422, "You cannot deactivate your own account"],
  cannot_delete_self: [400, "You cannot delete your own account"],
  last_admin: [400, "Cannot delete the last admin"],
};

/** better-auth's refusals of a value GeoLens's model let through (its username and password policy). */
const AUTH_FIELD: Readonly<Record<string, string>> = {
  USERNAME_TOO_SHORT: "username",
  USERNAME_TOO_LONG: "username",
  INVALID_USERNAME: "username",
  USERNAME_IS_ALREADY_TAKEN: "username",
  PASSWORD_TOO_SHORT: "password",
  PASSWORD_TOO_LONG: "password",
};

/** FastAPI's 422 for invalid input. */
export function validationResponse(issues: readonly ValidationIssue[]): Response {
  return jsonResponse(422, { detail: issues });
}

/**
 * The GeoLens response for a refusal, or null for an unexpected error (left to the app-wide handler, which logs
 * it). `input` holds the submitted fields, for refusals reported as a field's validation error.
 */
export function renderError(error: unknown, input: Readonly<Record<string, unknown>> = {}): Response | null {
  if (error instanceof AppError) {
    if (error.code === GEOLENS_ERROR_CODES.VALIDATION_FAILED) {
      return jsonResponse(422, { detail: error.details?.issues ?? [] });
    }
    if (error.status === 401) return jsonResponse(401, { detail: error.message }, BEARER_CHALLENGE);
    if (error.code in GEOLENS_ERROR_CODES) return jsonResponse(error.status, { detail: error.message });
    const known = CANONICAL[error.code];
    return known
      ? jsonResponse(known[0], { detail: known[1] })
      : jsonResponse(error.status, { detail: error.message });
  }
  if (isAPIError(error)) {
    const code = typeof error.body?.code === "string" ? error.body.code : "";
    const field = AUTH_FIELD[code];
    if (code === "USERNAME_IS_ALREADY_TAKEN") return jsonResponse(409, { detail: "Username already taken" });
    if (field) {
      const loc: Loc = ["body", field];
      return jsonResponse(422, { detail: [valueError(loc, input[field], error.body?.message ?? code)] });
    }
  }
  return null;
}
