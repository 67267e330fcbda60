/**
 * JSON surfaces whose bodies are objects (native /v1, ops): Elysia turns a body of `1`, `[]`, `true` or `"x"`
 * into `{}` before validating an object schema, and swallows a parse error on a route whose body is optional,
 * so `PATCH /v1/users/{id}` with `1` answered 200 and `POST /cache/clear` with `{` cleared the cache. This
 * `onTransform` hook sees the body as parsed, before that clean-up, and refuses what is not an object — and
 * strings with a lone UTF-16 surrogate or a NUL, which no store or library downstream accepts
 * (src/platform/well-formed.ts).
 */
import { illFormedStringPath } from "../../platform/well-formed.ts";
import { PipelineErrors } from "./error-renderer.ts";

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return length === null ? request.body !== null : length !== "0";
}

export function objectBodiesOnly({ request, body }: { request: Request; body: unknown }): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  if (body === undefined || body === null) {
    // Elysia's JSON parser gives undefined for a text that does not parse when the body is optional.
    if (hasBody(request) && body === undefined) {
      throw PipelineErrors.invalid_request({ message: "The body is not valid JSON" });
    }
    return;
  }
  if (typeof body !== "object" || Array.isArray(body)) {
    throw PipelineErrors.invalid_request({
      message: "The body must be a JSON object",
      details: { field: "body" },
    });
  }
  const field = illFormedStringPath(body);
  if (field) {
    throw PipelineErrors.invalid_request({
      message: "The text contains an invalid character (a lone UTF-16 surrogate or NUL)",
      details: { field },
    });
  }
}
