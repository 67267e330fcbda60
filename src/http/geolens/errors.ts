/**
 * GeoLens's refusals and how every error reaches a GeoLens client: as FastAPI renders them, `{detail: "<text>"}`
 * for an HTTPException and `{detail: [<pydantic errors>]}` (422) for invalid input. The canonical service's codes
 * are mapped here to GeoLens's statuses and words, the pipeline's statuses to Starlette's phrases; this is the
 * dialect's ErrorRenderer (src/http/pipeline/error-renderer.ts), so the native envelope never applies.
 */
import { isAPIError } from "better-auth/api";
import { AppError, defineErrors, jsonResponse } from "../../platform/errors.ts";
import type { ErrorRenderer } from "../pipeline/error-renderer.ts";
import { rawBodyOf } from "./raw-body.ts";
import { fastApiIssues, type Loc, type ValidationIssue, valueError } from "./validation.ts";

/** GeoLens's own refusals; the messages are GeoLens's (FastAPI's) English wording, the wire contract. */
export const GEOLENS_ERRORS = defineErrors({
  NOT_AUTHENTICATED: { status: 401, message: "Not authenticated" },
  INVALID_CREDENTIALS: { status: 401, message: "Could not validate credentials" },
  ADMIN_REQUIRED: { status: 403, message: "Admin privileges required" },
  VALIDATION_FAILED: { status: 422, message: "Validation error" },
});

/** The header FastAPI's HTTPBearer sends with every 401. */
const BEARER_CHALLENGE = { "www-authenticate": "Bearer" };

export const GeoLensErrors = {
  notAuthenticated: () => GEOLENS_ERRORS.NOT_AUTHENTICATED(),
  invalidCredentials: () => GEOLENS_ERRORS.INVALID_CREDENTIALS(),
  adminRequired: () => GEOLENS_ERRORS.ADMIN_REQUIRED(),
  validation: (issues: readonly ValidationIssue[]) =>
    GEOLENS_ERRORS.VALIDATION_FAILED({ details: { issues } }),
} as const;

/** Starlette's answer to the statuses every surface has (`HTTPException(status)`: the status's phrase). */
const PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

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
  PASSWORD_TOO_COMMON: "password",
  PASSWORD_CONTAINS_IDENTIFIER: "password",
};

/** The account core's password refusals, reported as FastAPI reports a field's validation error. */
const PASSWORD_RULES = new Set(["password_too_common", "password_contains_identifier"]);

/**
 * The GeoLens response for a refusal, or null for an unexpected error (left to the app-wide handler, which logs
 * it). `input` holds the submitted fields, for refusals reported as a field's validation error.
 */
export function renderError(error: unknown, input: Readonly<Record<string, unknown>> = {}): Response | null {
  if (error instanceof AppError) {
    if (error.code === "VALIDATION_FAILED") {
      return jsonResponse(422, { detail: error.details?.issues ?? [] });
    }
    if (error.status === 401) return jsonResponse(401, { detail: error.message }, BEARER_CHALLENGE);
    if (PASSWORD_RULES.has(error.code)) {
      return jsonResponse(422, { detail: [valueError(["body", "password"], input.password, error.message)] });
    }
    if (Object.hasOwn(GEOLENS_ERRORS.specs, error.code))
      return jsonResponse(error.status, { detail: error.message });
    // A route nobody serves is Starlette's "Not Found"; a user nobody has is GeoLens's "User not found".
    const known = error.code === "not_found" && !error.details?.resource ? undefined : CANONICAL[error.code];
    if (known) return jsonResponse(known[0], { detail: known[1] });
    const phrase = PHRASES[error.status];
    return jsonResponse(error.status, { detail: phrase ?? error.message });
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

const INTERNAL = () => jsonResponse(500, { detail: PHRASES[500] });

export const geolensErrorRenderer: ErrorRenderer = {
  render(failure, { request }) {
    const sent = rawBodyOf(request);
    if (failure.kind === "validation") {
      // Elysia gives no value for a segment it cannot decode (`%zz`); Starlette keeps such a segment as sent.
      // GeoLens's one path parameter is the trailing {id}.
      const segment = new URL(request.url).pathname.split("/").at(-1) ?? "";
      const raw =
        failure.error.type === "body"
          ? sent
          : failure.error.type === "params"
            ? { value: { id: segment } }
            : undefined;
      return jsonResponse(422, { detail: fastApiIssues(failure.error, raw) });
    }
    const body = sent?.value;
    const input = body !== null && typeof body === "object" && !Array.isArray(body) ? body : {};
    if (failure.kind === "unexpected") return INTERNAL();
    const rendered = renderError(failure.error, input as Record<string, unknown>);
    if (rendered) return rendered;
    // Another refusal of better-auth's behind the service: an HTTPException with its status and words.
    if (failure.kind === "auth") {
      const { statusCode, body: refusal } = failure.error;
      return jsonResponse(statusCode, { detail: refusal?.message || PHRASES[statusCode] || "Bad Request" });
    }
    return INTERNAL();
  },
};
