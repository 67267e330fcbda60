/**
 * The JSON nesting-depth limit, a pipeline piece checked on every request before any parse or validation: a
 * small body nested thousands of levels deep blocks the event loop for seconds in parsing and schema validation
 * and costs hundreds of megabytes, or overflows the stack. No identity payload nests more than a few levels, so
 * a body deeper than the limit is refused with a fast 400 (`json_too_deep`), rendered by the surface owning the
 * path (surface-router.ts), whatever the surface and its parser.
 *
 * The check is a linear scan of the raw text — brackets outside strings — on a clone of the request, so the
 * surface still reads the body as sent. Form bodies are not JSON (their brackets are field names) and are left
 * alone; every other body is scanned, whatever it declares, since some parsers read JSON from any type.
 */
import { Elysia } from "elysia";
import { PipelineErrors } from "./error-renderer.ts";

/** Far above any real payload (a policy document nests about 5 levels), far below what hurts a parser. */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `text`, read as JSON, opens more than `limit` arrays or objects inside each other. */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Whether the request carries a body, asked of its headers first (reading `body` makes a stream). */
function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length !== null) return length !== "0";
  // Over HTTP a body without a length is chunked; a GET made in-process cannot have one.
  if (request.method === "GET" || request.method === "HEAD") return request.headers.has("transfer-encoding");
  return request.body !== null;
}

function isFormBody(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
}

export function jsonDepthLimit(options: { readonly maxDepth?: number } = {}) {
  const limit = options.maxDepth ?? MAX_JSON_DEPTH;
  async function check(request: Request): Promise<void> {
    // Runs after request-limits.ts, so the declared size is within the body limit.
    const text = await request.clone().text();
    if (exceedsJsonDepth(text, limit)) {
      throw PipelineErrors.json_too_deep({ details: { limit } });
    }
  }
  // Synchronous for the requests without a body, which are most.
  return new Elysia({ name: "json-depth" }).onRequest(({ request }) => {
    if (!hasBody(request) || isFormBody(request.headers.get("content-type"))) return;
    return check(request);
  });
}
