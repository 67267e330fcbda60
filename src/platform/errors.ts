/**
 * AppError: every refusal of a Gatehouse route is thrown as one, with a stable machine-readable code. Each API
 * surface renders it in its own envelope (src/http/pipeline/error-renderer.ts); the native envelope is
 * `{code, error, message, details?, notices?}`.
 *
 * Codes are declared once per module with `defineErrors({ code: { status, message } })` (better-auth's
 * `defineErrorCodes` is the model): the catalogue is the contract, its factories the only way to raise one of
 * its codes, and a code it does not declare does not compile.
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

/** One code of a catalogue: the status it is answered with and its English message. */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

/** What a raise may add to its code: a more specific message, details (also the message's placeholders), notices. */
export interface ErrorExtras {
  readonly message?: string;
  readonly details?: ErrorDetails;
  readonly notices?: readonly string[];
}

export type ErrorFactory = (extras?: ErrorExtras) => AppError;

/** The factories of a catalogue, one per code, and the catalogue itself (for tests and renderers). */
export type ErrorCatalogue<C extends Readonly<Record<string, ErrorSpec>>> = {
  readonly [K in keyof C]: ErrorFactory;
} & { readonly specs: C };

export function defineErrors<const C extends Readonly<Record<string, ErrorSpec>>>(
  specs: C,
): ErrorCatalogue<C> {
  const factories: Record<string, ErrorFactory> = {};
  for (const [code, spec] of Object.entries(specs)) {
    factories[code] = (extras = {}) =>
      new AppError(code, spec.status, extras.message ?? spec.message, extras.details, extras.notices);
  }
  return { ...factories, specs } as ErrorCatalogue<C>;
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
