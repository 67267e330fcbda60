/**
 * The pages call better-auth through its HTTP handler, as a browser's script would call `/api/auth`: the same
 * endpoints, hooks, plugins, rate limits and brute-force rules apply (direct `auth.api.*` calls skip
 * better-auth's limiter), and its Set-Cookie lines — the session, the two-factor challenge, the OAuth state —
 * are handed back to the browser. The page has already checked the request's origin and CSRF token, so the
 * call carries BASE_URL as its Origin.
 *
 * A 429, a database outage and a failure of better-auth itself (5xx) are thrown, so the pages' error renderer answers them as the
 * "too many attempts" or "something went wrong" page (with Retry-After), the same on every page.
 */
import type { Auth } from "../../auth/index.ts";
import { codeForStatus } from "../../i18n/auth-errors.ts";
import { CLIENT_IP_HEADER } from "../../platform/client-ip.ts";
import { outageOfThisRequest } from "../../platform/db/availability.ts";
import { AppError } from "../../platform/errors.ts";
import { refusingWhenBusy } from "../../platform/password/index.ts";
import { databaseUnavailable } from "../pipeline/error-renderer.ts";
import { rateLimited } from "../pipeline/rate-limit/errors.ts";

export interface AuthAnswer {
  readonly status: number;
  readonly ok: boolean;
  /** The JSON body (null when there was none or it was not JSON). */
  readonly body: Record<string, unknown> | null;
  /** The parsed JSON body whatever its type (list endpoints answer an array); undefined without one. */
  readonly json: unknown;
  /** better-auth's error code of a refusal (derived from the status when the body has none). */
  readonly code: string | undefined;
  readonly cookies: readonly string[];
  readonly location: string | null;
}

const FORWARDED = ["cookie", "user-agent", "accept-language", CLIENT_IP_HEADER] as const;

export interface AuthCall {
  readonly method?: "GET" | "POST";
  readonly body?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, string>>;
  /** Cookies to send instead of the request's (after an earlier call in the same request set new ones). */
  readonly cookie?: string;
}

export function createAuthCaller(auth: Auth, baseUrl: string) {
  return async (request: Request, path: string, call: AuthCall = {}): Promise<AuthAnswer> => {
    const headers = new Headers();
    for (const name of FORWARDED) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    if (call.cookie !== undefined) headers.set("cookie", call.cookie);
    headers.set("origin", baseUrl);
    const url = new URL(`${baseUrl}/api/auth${path}`);
    for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
    const method = call.method ?? (call.body ? "POST" : "GET");
    if (method === "POST") headers.set("content-type", "application/json");
    // A form refused by the hashing gate is the 503 page (src/platform/password/gate.ts), not a 500.
    const response = await refusingWhenBusy(() =>
      auth.handler(
        new Request(url, {
          method,
          headers,
          ...(method === "POST" ? { body: JSON.stringify(call.body ?? {}) } : {}),
        }),
      ),
    );
    // better-auth answers a database outage with its own 422 FAILED_TO_CREATE_USER or 500 (as on /api/auth,
    // src/http/better-auth/routes.ts): a call that met one did not do what the form asked, so the page is the 503.
    if (outageOfThisRequest()) throw databaseUnavailable();
    if (response.status === 429) {
      // better-auth's limiter says when to retry in X-Retry-After (seconds).
      throw rateLimited(Number(response.headers.get("x-retry-after")) || 60);
    }
    if (response.status === 503) throw new AppError("unavailable", 503, "Service unavailable");
    if (response.status >= 500) throw new Error(`better-auth answered ${response.status} on ${path}`);
    let body: Record<string, unknown> | null = null;
    let json: unknown;
    if ((response.headers.get("content-type") ?? "").includes("application/json")) {
      const parsed: unknown = await response.json().catch(() => null);
      json = parsed;
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        body = parsed as Record<string, unknown>;
      }
    }
    const ok = response.status < 400;
    const code = ok ? undefined : typeof body?.code === "string" ? body.code : codeForStatus(response.status);
    return {
      status: response.status,
      ok,
      body,
      json,
      code,
      cookies: response.headers.getSetCookie(),
      location: response.headers.get("location"),
    };
  };
}

export type AuthCaller = ReturnType<typeof createAuthCaller>;

/** The request's cookies with those an answer set applied (a later call in the same request needs them). */
export function cookiesAfter(request: Request, setCookies: readonly string[]): string {
  const jar = new Map<string, string>();
  for (const pair of (request.headers.get("cookie") ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  for (const line of setCookies) {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (value === "" || /max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}
