/**
 * Mounts better-auth at /api/auth, plus the older endpoint names that clients of earlier Better Auth versions
 * still call (docs/contracts.md): each is rewritten to its current endpoint, never re-implemented.
 */
import { Elysia } from "elysia";
import type { Auth } from "../../auth/index.ts";
import { fastSessionsOf, type SessionAnswer } from "../../auth/session-fast/index.ts";
import { handleAuthRequest } from "../../auth/transaction.ts";
import { localizeAuthError } from "../../i18n/auth-errors.ts";
import type { LocaleResolver } from "../../i18n/request-locale.ts";
import { accountStatus } from "../../identity/accounts/status.ts";
import { outageOfThisRequest } from "../../platform/db/availability.ts";
import { jsonResponse } from "../../platform/errors.ts";
import { isPlaceholderEmail, PLACEHOLDER_EMAIL_DOMAIN } from "../../platform/mail/index.ts";
import { refusingWhenBusy } from "../../platform/password/index.ts";
import { databaseUnavailable, PipelineErrors } from "../pipeline/error-renderer.ts";
import { methodsByPath, type RouteEntry } from "../pipeline/surface-router.ts";

const RENAMED: Readonly<Record<string, string>> = {
  "/api/auth/forget-password": "/api/auth/request-password-reset",
  "/api/auth/phone-number/forget-password": "/api/auth/phone-number/request-password-reset",
};

function withPath(request: Request, pathname: string, init: RequestInit = {}): Request {
  const url = new URL(request.url);
  url.pathname = pathname;
  return new Request(url, { method: request.method, headers: request.headers, body: request.body, ...init });
}

/** 1.7 serves account-info as GET with `?accountId`; older clients POST `{accountId}`. */
async function accountInfoFromPost(request: Request): Promise<Request | Response> {
  const text = await request.text();
  let accountId: unknown;
  if (text.trim()) {
    try {
      accountId = (JSON.parse(text) as { accountId?: unknown } | null)?.accountId;
    } catch {
      return jsonResponse(400, { code: "INVALID_JSON", message: "The request body is not valid JSON" });
    }
  }
  const url = new URL(request.url);
  if (typeof accountId === "string") url.searchParams.set("accountId", accountId);
  const headers = new Headers(request.headers);
  headers.delete("content-type");
  headers.delete("content-length");
  return new Request(url, { method: "GET", headers });
}

const GET_SESSION_PATH = "/api/auth/get-session";
const PLACEHOLDER_SUFFIX = `@${PLACEHOLDER_EMAIL_DOMAIN}`;
/** Every user object better-auth serializes has this key; no other object of its answers does. */
const USER_MARKER = '"emailVerified"';

type JsonObject = Record<string, unknown>;

function isUserObject(value: unknown): value is JsonObject {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    "emailVerified" in value &&
    "status" in value
  );
}

/**
 * better-auth's user objects as every API renders a user (docs/architecture.md), in one pass over the body:
 * - `status` is the account's status by the one rule (src/identity/accounts/status.ts accountStatus: a ban in
 *   force makes it `disabled`, an expired ban does not), not the stored column, which a ban through
 *   /admin/ban-user leaves `active`. Only where better-auth sends `status` (a member's nested user has none).
 * - `banned`, `banReason` and `banExpires` stay as stored: they are better-auth's own ban record, which its
 *   admin API and clients read as a pair (an expired ban is `banned: true` with `banExpires` in the past until
 *   better-auth lifts it at the next sign-in), so `status` is the field that agrees with the other APIs.
 * - A placeholder e-mail (users without one carry `<id>@users.invalid` inside better-auth) is `null`.
 */
function asEveryApiRendersThem(key: string, value: unknown): unknown {
  if (key === "email" && typeof value === "string" && isPlaceholderEmail(value)) return null;
  return isUserObject(value) ? { ...value, status: accountStatus(value) } : value;
}

/** better-auth's answer with its users rendered so; bodies with no user object and no placeholder are untouched. */
async function asEveryApiRendersUsers(response: Response): Promise<Response> {
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return response;
  const text = await response.text();
  const rewritten =
    text.includes(USER_MARKER) || text.includes(PLACEHOLDER_SUFFIX)
      ? JSON.stringify(JSON.parse(text), asEveryApiRendersThem)
      : text;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(rewritten, { status: response.status, statusText: response.statusText, headers });
}

const RENDERED_TEXT = "get-session text";

/**
 * The fast get-session's answer as text, rendered once per stored session value: serializing with the rendering
 * rule is most of what is left of a session check (here and in GET /api/auth/get-session's fast path over HTTP,
 * session-check.ts). Only a ban that ends at a set time makes the text depend on
 * the clock (`status` turns from `disabled` to `active`), so that one is rendered anew each time.
 */
export function renderedSession(answer: SessionAnswer): string {
  if (answer.body === null) return "null";
  const known = answer.derived.get(RENDERED_TEXT);
  if (typeof known === "string") return known;
  const text = JSON.stringify(answer.body, asEveryApiRendersThem);
  const user = answer.body.user;
  if (!(user.banned && user.banExpires)) answer.derived.set(RENDERED_TEXT, text);
  return text;
}

interface EndpointLike {
  readonly path?: unknown;
  readonly options?: { readonly method?: unknown; readonly metadata?: { readonly SERVER_ONLY?: unknown } };
}

/** better-auth's routed endpoints (methods by path, under /api/auth), and the older names kept as aliases. */
function authEndpoints(auth: Auth): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const endpoint of Object.values(auth.api as Record<string, EndpointLike>)) {
    if (typeof endpoint?.path !== "string" || endpoint.options?.metadata?.SERVER_ONLY) continue;
    const method = endpoint.options?.method;
    for (const m of Array.isArray(method) ? method : [method]) {
      if (typeof m === "string" && m !== "*") routes.push({ method: m, path: `/api/auth${endpoint.path}` });
    }
  }
  for (const alias of [...Object.keys(RENAMED), "/api/auth/account-info"])
    routes.push({ method: "POST", path: alias });
  return routes;
}

export function authRoutes(auth: Auth, localeOf: LocaleResolver) {
  const methodsOf = methodsByPath(authEndpoints(auth));
  const fastSessions = fastSessionsOf(auth);
  async function handle(request: Request): Promise<Response> {
    // The common get-session, answered from the shared store as better-auth would (src/auth/session-fast/);
    // serialized object to text directly, which gives the text that re-rendering better-auth's gives.
    const fast =
      request.method === "GET" && new URL(request.url).pathname === GET_SESSION_PATH
        ? await fastSessions.getSession(request)
        : undefined;
    if (fast) return new Response(renderedSession(fast), { status: 200, headers: fast.headers });
    // A sign-in or password change refused by the hashing gate is its 503, not better-auth's bare 500. Only
    // POSTs hash; a GET (the session check every app makes) is spared the scope.
    const response =
      request.method === "GET"
        ? await handleAuthRequest(auth, request)
        : await refusingWhenBusy(() => handleAuthRequest(auth, request));
    // better-auth answers a database outage with its own 422 FAILED_TO_CREATE_USER or 500, and some of its
    // writes fail silently (a sign-out's session delete): a request that met an outage did not do what it was
    // asked, so it is the outage's 503 (the renderer adds Retry-After) and the client retries.
    if (outageOfThisRequest()) throw databaseUnavailable();
    // better-auth answers a known path with another method as unknown: say which methods it serves (405).
    if (response.status === 404) {
      const served = methodsOf(new URL(request.url).pathname);
      if (served.length > 0 && !served.includes(request.method.toUpperCase())) {
        throw PipelineErrors.method_not_allowed({ details: { allow: served.join(", ") } });
      }
    }
    // Error messages in the caller's language; status and code unchanged. (Done here rather than in a
    // mapResponse hook: an async mapResponse that keeps the response emptied successful answers.)
    if (response.status >= 400) return (await localizeAuthError(response, request, localeOf)) ?? response;
    return asEveryApiRendersUsers(response);
  }
  return new Elysia({ name: "auth-routes" }).all(
    "/api/auth/*",
    async ({ request }) => {
      const pathname = new URL(request.url).pathname;
      if (request.method === "POST") {
        const renamed = RENAMED[pathname];
        if (renamed) return handle(withPath(request, renamed));
        if (pathname === "/api/auth/account-info") {
          const rewritten = await accountInfoFromPost(request);
          return rewritten instanceof Response ? rewritten : handle(rewritten);
        }
      }
      return handle(request);
    },
    { parse: "none", detail: { hide: true } },
  );
}
