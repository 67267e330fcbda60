/**
 * Bodies are JSON on every surface but better-auth's (which also takes forms, e.g. OAuth callbacks, and checks
 * its own): a body declared as anything else is 415, not a confusing validation error. No Content-Type is read
 * as JSON, as FastAPI and Hasura's clients expect.
 */
import { PipelineErrors } from "./error-renderer.ts";

export function isJsonContentType(contentType: string | null | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return !type || type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** Throws 415 when the request carries a body declared as something other than JSON. */
export function assertJsonBody(request: Request): void {
  const declared = request.headers.get("content-type");
  if (isJsonContentType(declared)) return;
  const length = request.headers.get("content-length");
  if (length === "0" || (length === null && !request.body)) return;
  throw PipelineErrors.unsupported_media_type({ details: { content_type: declared } });
}

/** An `onParse` hook for a surface: refuses non-JSON bodies and leaves parsing to Elysia's JSON parser. */
export function jsonBodiesOnly({ request }: { request: Request }): undefined {
  assertJsonBody(request);
  return undefined;
}
