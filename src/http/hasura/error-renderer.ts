/**
 * The Hasura dialect's ErrorRenderer (src/http/pipeline/error-renderer.ts): every error of its routes as Hasura's
 * `{code, message}` — a schema failure explained (validation.ts), everything else translated (errors.ts), and
 * anything unexpected as `unexpected-state`, never a bare 500 or Gatehouse's native shape.
 */
import { jsonResponse } from "../../platform/errors.ts";
import type { ErrorRenderer } from "../pipeline/error-renderer.ts";
import { errorBody, hasuraError, toHasuraError } from "./errors.ts";
import { invalidRequest } from "./validation.ts";

export const hasuraErrorRenderer: ErrorRenderer = {
  render(failure, { request }) {
    const refusal =
      failure.kind === "validation"
        ? invalidRequest(failure.error, new URL(request.url).pathname)
        : (toHasuraError(failure.error) ?? hasuraError("unexpected-state"));
    const response = jsonResponse(refusal.status, errorBody(refusal));
    // better-auth's lockout (src/auth/brute-force-plugin.ts) says when to try again.
    const retryAfter = failure.kind === "auth" ? new Headers(failure.error.headers).get("retry-after") : null;
    if (retryAfter) response.headers.set("retry-after", retryAfter);
    return response;
  },
};
