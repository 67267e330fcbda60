/**
 * The origin check, a pipeline piece for every surface outside better-auth's (which checks its own): a browser
 * sends the session cookie with any cross-site form post, so an unsafe request authenticated by that cookie is
 * refused (403 `untrusted_origin`) unless its Origin — or, without one, its Referer — is BASE_URL or a trusted
 * origin, by better-auth's own rule (TRUSTED_ORIGINS, patterns included). A request without either is refused
 * too: a browser sends Origin on every cross-origin unsafe request, so only a non-browser client omits both,
 * and such a client authenticates by Bearer token or API key. Those headers are not cookie-borne (a cross-site
 * page cannot set them), so a request carrying one is left alone, with or without Origin.
 */
import { Elysia } from "elysia";
import { PipelineErrors } from "./error-renderer.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** better-auth's session cookie, with or without its prefixes (`__Secure-gatehouse.session_token`). */
const SESSION_COOKIE = /(?:^|;)\s*[^=;]*session_token=/;

export interface OriginCheckOptions {
  /** better-auth's trusted-origin rule: BASE_URL and TRUSTED_ORIGINS. */
  readonly isTrustedOrigin: (origin: string) => boolean | Promise<boolean>;
  /** Path prefixes that check origins themselves (better-auth's mount). */
  readonly exempt: readonly string[];
}

function isCookieAuthenticated(headers: Headers): boolean {
  if (headers.has("authorization") || headers.has("x-api-key")) return false;
  return SESSION_COOKIE.test(headers.get("cookie") ?? "");
}

/** The origin the request claims: Origin, else the origin of Referer; undefined when neither says one. */
function claimedOrigin(headers: Headers): string | undefined {
  const origin = headers.get("origin");
  if (origin) return origin;
  const referer = headers.get("referer");
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

const under = (prefix: string, pathname: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

export function originCheck(options: OriginCheckOptions) {
  async function check(request: Request): Promise<void> {
    const pathname = new URL(request.url).pathname;
    if (options.exempt.some((prefix) => under(prefix, pathname))) return;
    const origin = claimedOrigin(request.headers);
    // "null" is the Origin of sandboxed frames and privacy redirects: nothing to trust.
    if (origin && origin !== "null" && (await options.isTrustedOrigin(origin))) return;
    throw PipelineErrors.untrusted_origin({ details: { origin: origin ?? null } });
  }
  // Synchronous for the many requests it does not concern (safe methods, no session cookie).
  return new Elysia({ name: "origin-check" }).onRequest(({ request }) => {
    if (SAFE_METHODS.has(request.method.toUpperCase())) return;
    if (!isCookieAuthenticated(request.headers)) return;
    return check(request);
  });
}
