/**
 * The error renderer contract: every surface answers every error that reaches it — its own refusals, the
 * pipeline's (body too large, unsupported content type, rate limited, headers too large), Elysia's (validation,
 * parse, unknown route, wrong method) and unexpected throws — in its own documented shape. A surface implements
 * `ErrorRenderer`; `surfaceErrors` turns it into the surface's scoped error handler, and the app's fallback
 * (src/http/pipeline/surface-router.ts) hands it the errors raised before a route was found.
 *
 * What a renderer receives is already classified: a refusal is an AppError (the pipeline's are below, with the
 * native codes, so dialects map them by status), a validation failure keeps Elysia's ValidationError (each
 * dialect explains it in its own words), and anything else is unexpected — logged here, and its details never
 * reach the client.
 *
 * A request that met a database outage (src/platform/db/availability.ts records it on the request, whatever a
 * layer in between — better-auth, the principal resolver — made of the error) is answered 503
 * `database_unavailable` with Retry-After on every surface: the client's request was fine, it should come back.
 */
import { type APIError, isAPIError } from "better-auth/api";
import { ValidationError } from "elysia";
import { defineAppErrors } from "../../i18n/app-errors.ts";
import { outageOfThisRequest } from "../../platform/db/availability.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { SERVER_BUSY, SERVER_BUSY_RETRY_AFTER_SECONDS } from "../../platform/password/index.ts";

export const PipelineErrors = defineAppErrors({
  invalid_request: { status: 400 },
  json_too_deep: { status: 400 },
  untrusted_origin: { status: 403 },
  not_found: { status: 404 },
  method_not_allowed: { status: 405 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  unsupported_media_type: { status: 415 },
  headers_too_large: { status: 431 },
  internal_error: { status: 500 },
  database_unavailable: { status: 503 },
});

// A PostgreSQL restart takes a second or two; a full disk needs an operator. Either way, a few seconds.
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The 503 of a request that met a database outage; the renderers add Retry-After (surfaceErrors). */
export const databaseUnavailable = () => PipelineErrors.database_unavailable();

export type Failure =
  | { readonly kind: "refusal"; readonly error: AppError }
  | { readonly kind: "validation"; readonly error: ValidationError }
  /** better-auth's refusal, from a surface that calls its API (the dialects): each maps its codes. */
  | { readonly kind: "auth"; readonly error: APIError }
  | { readonly kind: "unexpected"; readonly error: unknown };

/** What a renderer may read of the failed request: the request, and its body when it was parsed. */
export interface FailedRequest {
  readonly request: Request;
  readonly body?: unknown;
}

export interface ErrorRenderer {
  /** The surface's answer to a failure of one of its requests. */
  render(failure: Failure, failed: FailedRequest): Response | Promise<Response>;
}

/** Elysia's error codes that are the client's fault, and the refusal each stands for. */
export function classify(error: unknown, code: unknown): Failure {
  // Schema validation runs before the handler: such a request is refused whatever the database does. The
  // record is the database driver's (src/platform/db/observed-driver.ts), never a guess from the error: a mail
  // server's ECONNREFUSED is not the database's.
  const invalid = code === "VALIDATION" && error instanceof ValidationError && error.type !== "response";
  if (!invalid && outageOfThisRequest()) {
    return { kind: "refusal", error: databaseUnavailable() };
  }
  if (error instanceof AppError) return { kind: "refusal", error };
  if (code === "VALIDATION" && error instanceof ValidationError) {
    // An answer that fails its own response schema is our bug, not the client's.
    return error.type === "response" ? { kind: "unexpected", error } : { kind: "validation", error };
  }
  if (isAPIError(error) && error.statusCode < 500) return { kind: "auth", error };
  if (code === "NOT_FOUND") {
    return { kind: "refusal", error: PipelineErrors.not_found({ message: "No such route" }) };
  }
  // A surface's parser refuses a body with its own error; Elysia hands it on wrapped.
  if (code === "PARSE" && error instanceof Error && error.cause instanceof AppError) {
    return { kind: "refusal", error: error.cause };
  }
  if (code === "PARSE" || code === "INVALID_COOKIE_SIGNATURE") {
    return { kind: "refusal", error: PipelineErrors.invalid_request() };
  }
  return { kind: "unexpected", error };
}

interface ErrorContext {
  readonly error: unknown;
  readonly code: unknown;
  readonly request: Request;
  readonly body?: unknown;
}

/** The handler a surface registers with `.onError(...)`: classify, log the unexpected, render. */
export function surfaceErrors(renderer: ErrorRenderer, logger: Logger) {
  return async ({ error, code, request, body }: ErrorContext): Promise<Response> => {
    const failure = classify(error, code);
    if (failure.kind === "unexpected") {
      logger.error(
        { err: failure.error, method: request.method, url: new URL(request.url).pathname },
        "unhandled error",
      );
    }
    const response = await renderer.render(failure, { request, body });
    // A 405 names the methods the path is served with, whatever the surface's body says.
    const allow = failure.kind === "refusal" ? failure.error.details?.allow : undefined;
    if (failure.error instanceof AppError && failure.error.status === 405 && typeof allow === "string") {
      response.headers.set("allow", allow);
    }
    if (failure.kind === "refusal" && failure.error.code === "database_unavailable") {
      response.headers.set("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
    }
    if (failure.kind === "refusal" && failure.error.code === SERVER_BUSY) {
      response.headers.set("retry-after", String(SERVER_BUSY_RETRY_AFTER_SECONDS));
    }
    return response;
  };
}
