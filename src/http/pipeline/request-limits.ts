/**
 * Limits checked on every request before routing, on the raw request (nothing read yet): the declared body size
 * (413) and the size of the headers (431). They throw the pipeline's refusals; the surface owning the path
 * renders them (surface-router.ts).
 *
 * Headers: Bun's HTTP parser refuses headers above its own limit (16 KiB by default) with a bare 431 before the
 * app runs; nothing can give that answer a body. `npm start` therefore gives Bun more room
 * (`--max-http-header-size=65536`, package.json) than the app's limit, so a request between the two reaches
 * the app and gets its 431 in the surface's shape; only one beyond Bun's room gets the bare answer
 * (request-limits.test.ts starts the server that way).
 */
import { Elysia } from "elysia";
import { PipelineErrors } from "./error-renderer.ts";

/** Bun's default `--max-http-header-size`, kept as the limit: what Gatehouse has always accepted. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Bytes of the header section as sent: `name: value\r\n` per header. */
export function headerBytes(headers: Headers): number {
  let size = 0;
  headers.forEach((value, name) => {
    size += name.length + value.length + 4;
  });
  return size;
}

/**
 * A GET with no body and its headers within the limit: none of the pipeline's refusals (these limits, the JSON
 * depth, the origin check of unsafe methods) applies to it. The server's fast paths answer only such requests
 * (src/http/ops/health/probe.ts, src/http/better-auth/session-check.ts) and leave any other to the app.
 */
export function isBodilessGetWithinLimits(request: Request): boolean {
  const headers = request.headers;
  if (request.method !== "GET" || headers.has("content-length") || headers.has("transfer-encoding")) {
    return false;
  }
  return headerBytes(headers) <= MAX_HEADER_BYTES;
}

export function requestLimits(options: { readonly maxBodyBytes: number }) {
  return new Elysia({ name: "request-limits" }).onRequest(({ request }) => {
    if (headerBytes(request.headers) > MAX_HEADER_BYTES) {
      throw PipelineErrors.headers_too_large({ details: { limit: MAX_HEADER_BYTES } });
    }
    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > options.maxBodyBytes) {
      throw PipelineErrors.PAYLOAD_TOO_LARGE({ details: { limit: options.maxBodyBytes } });
    }
  });
}
