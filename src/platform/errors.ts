/**
 * AppError: every refusal of a Gatehouse route is thrown as one, with a stable machine-readable code. Each API
 * dialect renders it in its own envelope; the native envelope is `{code, error, message, details?, notices?}`.
 */
export interface ErrorDetails {
  readonly [key: string]: unknown;
}

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: string,
    readonly status: number,
    message?: string,
    readonly details?: ErrorDetails,
    readonly notices?: readonly string[],
  ) {
    super(message ?? code);
  }
}

/** Guard helper: keeps a check to one line. */
export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) throw error();
}

export interface NativeErrorBody {
  code: string;
  error: string;
  message: string;
  details?: ErrorDetails;
  notices?: readonly string[];
}

/** `message` is the localized text (src/i18n/app-errors.ts); the thrower's own message otherwise. */
export function nativeErrorBody(error: AppError, message: string = error.message): NativeErrorBody {
  return {
    code: error.code,
    error: error.code,
    message,
    ...(error.details ? { details: error.details } : {}),
    ...(error.notices ? { notices: error.notices } : {}),
  };
}

/** A JSON response with the given status; used where a route must answer outside Elysia's own rendering. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
