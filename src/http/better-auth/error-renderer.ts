/**
 * better-auth's error shape `{code, message}` (UPPER_SNAKE codes, message in the request's locale) for every
 * error of /api/auth/* that better-auth does not answer itself: the pipeline's refusals (body too large, rate
 * limited, headers too large), an unknown method, and an unexpected throw around its handler.
 */
import { appErrorMessage } from "../../i18n/app-errors.ts";
import { codeForStatus } from "../../i18n/auth-errors.ts";
import { errorMessage } from "../../i18n/index.ts";
import type { LocaleResolver } from "../../i18n/request-locale.ts";
import { jsonResponse } from "../../platform/errors.ts";
import { type ErrorRenderer, PipelineErrors } from "../pipeline/error-renderer.ts";

/**
 * Gatehouse's codes as better-auth spells its own (`not_found` → `NOT_FOUND`); an internal error keeps the
 * status's code, a 503 says what is unavailable (`DATABASE_UNAVAILABLE`).
 */
const authCode = (code: string, status: number) =>
  status >= 500 && status !== 503 ? codeForStatus(status) : code.toUpperCase();

export function betterAuthErrorRenderer(localeOf: LocaleResolver): ErrorRenderer {
  return {
    async render(failure, { request }) {
      if (failure.kind === "auth") {
        const { body, statusCode } = failure.error;
        const code = typeof body?.code === "string" ? body.code : codeForStatus(statusCode);
        return jsonResponse(statusCode, {
          code,
          message: errorMessage(await localeOf(request), code) ?? code,
        });
      }
      const error =
        failure.kind === "refusal"
          ? failure.error
          : failure.kind === "validation"
            ? PipelineErrors.invalid_request()
            : PipelineErrors.internal_error();
      const message = appErrorMessage(await localeOf(request), error);
      return jsonResponse(error.status, { code: authCode(error.code, error.status), message });
    },
  };
}
