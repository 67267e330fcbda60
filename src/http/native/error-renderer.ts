/**
 * The native envelope `{code, error, message, details?, notices?}` (seeds 001 and 003) for /v1 and the ops
 * routes (health, cache, i18n, metrics, openapi), message in the request's locale. A validation failure names the
 * first offending field (e.g. "email", "roles.0") so clients can point at it.
 */
import { appErrorMessage } from "../../i18n/app-errors.ts";
import { codeForStatus } from "../../i18n/auth-errors.ts";
import type { LocaleResolver } from "../../i18n/request-locale.ts";
import { AppError, jsonResponse, nativeErrorBody } from "../../platform/errors.ts";
import { type ErrorRenderer, PipelineErrors } from "../pipeline/error-renderer.ts";

export function nativeErrorRenderer(localeOf: LocaleResolver): ErrorRenderer {
  return {
    async render(failure, { request }) {
      const locale = await localeOf(request);
      const answer = (e: AppError) => jsonResponse(e.status, nativeErrorBody(e, appErrorMessage(locale, e)));
      if (failure.kind === "refusal") return answer(failure.error);
      if (failure.kind === "validation") {
        const { error } = failure;
        const path = error.valueError?.path ?? error.all[0]?.path ?? "";
        const field = path.replace(/^\//, "").replaceAll("/", ".");
        const details = field ? { field, in: error.type } : { in: error.type };
        return answer(PipelineErrors.invalid_request({ details }));
      }
      if (failure.kind === "auth") {
        const { body, statusCode } = failure.error;
        const code = typeof body?.code === "string" ? body.code : codeForStatus(statusCode);
        return answer(new AppError(code, statusCode, body?.message ?? code));
      }
      return answer(PipelineErrors.internal_error());
    },
  };
}
