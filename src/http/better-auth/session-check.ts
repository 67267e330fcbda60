/**
 * GET /api/auth/get-session's fast path over HTTP (src/server.ts): the session check every application makes on
 * every request, answered with the bytes and headers the app's route answers (routes.ts), without Elysia's
 * request handling around it, which costs a check about as much as the check itself. The answer is the
 * route's own: src/auth/session-fast/ reads the shared store as better-auth does, and renders it with the same
 * rule (renderedSession). What the pipeline would do to this request (src/app.ts) is done or has nothing to do:
 *
 * - the security headers are those the app starts every answer with, the answer's own set over them, as
 *   Elysia merges a route's Response (security-headers.ts);
 * - the limits: a request with a body, or with headers above the limit, goes to the app, which refuses it in the
 *   better-auth shape (request-limits.ts, json-depth.ts); GET is a safe method, so the origin check passes it;
 * - the rate limit of /api/auth is better-auth's, which the fast session read takes itself (session-fast/);
 *   no rule of Gatehouse's own covers /api/auth (rate-limit/rules.ts). The client address it counts by is
 *   stamped (`stampAddress`, the server's) only when that limit is on, or before the app gets the request:
 *   asking the socket for it and setting the internal header costs a check an eighth of its time, for nothing
 *   when no one reads it;
 * - the database outage record: the check reads the session store, not the database; any failure is the app's;
 * - metrics count it under its path like the route (the better-auth catch-all is labelled by path).
 *
 * Anything the fast read does not answer itself (a token the store does not hold, a session to refresh, a
 * revoked or expired one, a query string, a store that failed) is handed to the app, which answers it as it
 * always has. A request with no session credential at all is answered `null` here, as better-auth answers it.
 */
import type { FastSessions } from "../../auth/session-fast/index.ts";
import { isBodilessGetWithinLimits } from "../pipeline/request-limits.ts";
import { renderedSession } from "./routes.ts";

export const SESSION_CHECK_PATH = "/api/auth/get-session";

export interface SessionCheckDeps {
  readonly fastSessions: Pick<FastSessions, "getSession">;
  /** The headers every answer of the app starts with. */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether better-auth's rate limit is on, which counts get-session by client address. */
  readonly rateLimited: boolean;
  /** Counts the answer in the request metrics, as the route would be counted. */
  readonly record: (status: number, seconds: number) => void;
  /** The app's own handling, for every request the fast read leaves to better-auth. */
  readonly fallback: (request: Request) => Response | Promise<Response>;
}

/**
 * `(request, stampAddress) => answer`, or undefined when the request is not one the fast path may take at all.
 * `stampAddress` sets the request's client address as the server does for every other request.
 */
export type SessionCheck = (request: Request, stampAddress: () => void) => Promise<Response> | undefined;

/** Only for `GET /api/auth/get-session` exactly (the server checks the method and path before asking). */
export function sessionCheck(deps: SessionCheckDeps): SessionCheck {
  // Built once per set of answer headers: Bun copies a Headers into a Response faster than it builds one.
  const built = new WeakMap<object, Headers>();
  const headersOf = (own: Readonly<Record<string, string>>): Headers => {
    let headers = built.get(own);
    if (!headers) {
      headers = new Headers(deps.headers);
      for (const [name, value] of Object.entries(own)) headers.set(name, value);
      built.set(own, headers);
    }
    return headers;
  };
  const answer = async (request: Request, stampAddress: () => void): Promise<Response> => {
    const started = performance.now();
    if (deps.rateLimited) stampAddress();
    let fast: Awaited<ReturnType<FastSessions["getSession"]>>;
    try {
      fast = await deps.fastSessions.getSession(request);
    } catch {
      // The store failed: the app reads it again in its request scope and answers as it does for any outage.
      fast = undefined;
    }
    if (!fast) {
      if (!deps.rateLimited) stampAddress();
      return deps.fallback(request);
    }
    const response = new Response(renderedSession(fast), { status: 200, headers: headersOf(fast.headers) });
    deps.record(200, (performance.now() - started) / 1000);
    return response;
  };
  return (request, stampAddress) =>
    isBodilessGetWithinLimits(request) ? answer(request, stampAddress) : undefined;
}
