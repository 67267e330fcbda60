/**
 * Serves the app over HTTP with Bun. The client address is taken from the socket (or, behind a trusted proxy,
 * from what it says) and stamped on the request (src/http/pipeline/client-address.ts), which is what rate
 * limits key on.
 *
 * Body size: Bun's own `maxRequestBodySize` answers with an empty 413 before the app runs, so a client would get
 * no `{code, message}`. Bun's limit is therefore only a far-away backstop; the app refuses a declared
 * Content-Length above the limit (without reading the body), and a chunked body without one is read here up to
 * the limit and, when it is longer, handed on as a body-less request declaring its size, so that the same 413
 * answers it.
 *
 * Shutdown (`stopGracefully`): new connections are refused at once, requests under way may finish for the grace
 * period (SHUTDOWN_GRACE_MS), and then every connection still open is closed — one whose client is still
 * sending its headers or body included, which Bun would otherwise keep until its own idle timeout.
 *
 * Errors: `development: false` in every NODE_ENV, and an `error` handler of our own, so a throw that escapes the
 * app (the app renders its own errors; this is the backstop) is a bare `{code, message}` 500, never Bun's
 * development error page, which shows the stack, the working directory, absolute paths and source lines.
 */
import type { App } from "./app.ts";
import { SESSION_CHECK_PATH, type SessionCheck } from "./http/better-auth/session-check.ts";
import type { HealthProbe } from "./http/ops/health/probe.ts";
import { type ClientAddressOptions, stampClientAddress } from "./http/pipeline/client-address.ts";

/** What answers a throw that escaped the app: nothing of the error reaches the client. */
function internalError(): Response {
  return Response.json(
    { code: "internal_error", error: "internal_error", message: "Internal server error" },
    { status: 500 },
  );
}

export function serve(
  app: Pick<App, "handle"> & { readonly probe?: HealthProbe; readonly checkSession?: SessionCheck },
  options: { port: number; hostname: string; maxBodyBytes: number } & ClientAddressOptions,
) {
  const stamp = (request: Request, bunServer: Bun.Server<unknown>) =>
    stampClientAddress(request, bunServer.requestIP(request)?.address, options);
  const server = Bun.serve({
    port: options.port,
    hostname: options.hostname,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    development: false,
    error: internalError,
    fetch(request, bunServer) {
      if (isHealthProbe(request)) {
        // Answered as the route would, without the app's handling around it (src/http/ops/health/probe.ts).
        const answer = app.probe?.(request);
        if (answer) return answer;
      } else if (isPath(request, SESSION_CHECK_PATH) && app.checkSession) {
        // Every application's session check, likewise (src/http/better-auth/session-check.ts), which stamps
        // the client address itself when anything will read it.
        const answer = app.checkSession(request, () => stamp(request, bunServer));
        if (answer) return answer;
        stamp(request, bunServer);
      } else {
        stamp(request, bunServer);
      }
      // HTTP/1.1 sends a body either with Content-Length or chunked (Transfer-Encoding): only the latter is read here.
      if (
        request.headers.has("transfer-encoding") &&
        !request.headers.has("content-length") &&
        request.body
      ) {
        return bufferChunkedBody(request, options.maxBodyBytes).then((buffered) => app.handle(buffered));
      }
      return app.handle(request);
    },
  });
  return server;
}

/**
 * `GET /health`, the load balancer's probe, which nothing reads the client address of (it is neither rate
 * limited nor audited, and it answers no one in particular): asking the socket for it and stamping it would
 * be a fifth of the probe's cost. A client's copy of the internal header is then left as sent, and unread.
 */
function isHealthProbe(request: Request): boolean {
  return isPath(request, "/health");
}

/** A GET of exactly `path`: no query, no trailing slash. */
function isPath(request: Request, path: string): boolean {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return url.endsWith(path) && start === url.length - path.length && request.method === "GET";
}

/** Reads a body sent without Content-Length, stopping as soon as it exceeds `limit` bytes. */
async function bufferChunkedBody(request: Request, limit: number): Promise<Request> {
  const headers = new Headers(request.headers);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      headers.set("content-length", String(size));
      return new Request(request.url, { method: request.method, headers });
    }
    chunks.push(value);
  }
  headers.set("content-length", String(size));
  return new Request(request.url, { method: request.method, headers, body: Buffer.concat(chunks) });
}

/**
 * Stops serving: no new connection, the requests under way answered, and after `graceMs` whatever is still open
 * closed. Resolves with how it ended.
 */
export async function stopGracefully(
  server: Pick<ReturnType<typeof Bun.serve>, "stop">,
  graceMs: number,
): Promise<"drained" | "closed"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<"closed">((resolve) => {
    timer = setTimeout(() => resolve("closed"), graceMs);
  });
  const outcome = await Promise.race([server.stop(false).then(() => "drained" as const), graceOver]);
  clearTimeout(timer);
  if (outcome === "closed") await server.stop(true);
  return outcome;
}
