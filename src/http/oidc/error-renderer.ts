/**
 * The OpenID Provider surface's ErrorRenderer (src/http/pipeline/error-renderer.ts): errors that reach Gatehouse
 * rather than oidc-provider (the pipeline's limits, an unknown path under /oidc, a failure of the bridge) as an
 * OAuth error body `{error, error_description}`, the shape oidc-provider itself answers with.
 */
import { jsonResponse } from "../../platform/errors.ts";
import type { ErrorRenderer } from "../pipeline/error-renderer.ts";

export const oidcErrorRenderer: ErrorRenderer = {
  render(failure) {
    if (failure.kind === "refusal") {
      const { status, code, message } = failure.error;
      const error =
        status === 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "invalid_request";
      return jsonResponse(status, { error, error_description: message === code ? code : message });
    }
    if (failure.kind === "validation") {
      return jsonResponse(400, { error: "invalid_request", error_description: "the request is not valid" });
    }
    return jsonResponse(500, { error: "server_error", error_description: "an unexpected error occurred" });
  },
};
