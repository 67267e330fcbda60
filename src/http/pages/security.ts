/**
 * The pages' Content-Security-Policy and their CSRF token.
 *
 * Policy: only this host's script, style and images (plus data: images, for an inlined logo and the server-
 * rendered QR code), no inline script or style at all, no framing, no `<base>`. `form-action` also lists
 * TRUSTED_ORIGINS: browsers apply it to the redirect that answers a form post, and a sign-in may end with a
 * redirect back to a trusted calling application (`redirect_to`).
 *
 * CSRF: a double-submit token bound to the server's secret. The browser holds a random nonce in an HttpOnly
 * cookie; each form carries HMAC(secret, nonce). A cross-site page can neither read the cookie nor compute the
 * HMAC, and a cookie planted by a sibling subdomain is useless without the secret. Every page form posts it —
 * sign-in and sign-up too (login CSRF) — and the pipeline's origin check (src/http/pipeline/origin-check.ts)
 * refuses a cross-site post that rides a session cookie before the page sees it.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { cookieValue } from "../../i18n/negotiate.ts";

export function pageContentSecurityPolicy(trustedOrigins: readonly string[]): string {
  // Only well-formed origins (patterns such as https://*.example.com are CSP host sources too).
  const formTargets = trustedOrigins.filter((origin) => /^https?:\/\/[A-Za-z0-9*.:[\]-]+$/.test(origin));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    `form-action 'self'${formTargets.map((origin) => ` ${origin}`).join("")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The CSRF nonce cookie: `__Host-` over https, so only this exact host over TLS can set it. */
export function csrfCookieName(secure: boolean): string {
  return secure ? "__Host-gatehouse.csrf" : "gatehouse.csrf";
}

/** Names of the form field every page form posts its token in. */
export const CSRF_FIELD = "csrf";

export interface CsrfState {
  /** The token to embed in this response's forms. */
  readonly token: string;
  /** A Set-Cookie line when the request carried no nonce yet. */
  readonly setCookie: string | undefined;
  /** Whether a posted token matches the request's nonce. */
  verify(posted: unknown): boolean;
}

export function createCsrf(options: { readonly secret: string; readonly secure: boolean }) {
  const name = csrfCookieName(options.secure);
  const sign = (nonce: string) =>
    createHmac("sha256", options.secret).update(`pages-csrf:${nonce}`).digest("base64url");
  return (request: Request): CsrfState => {
    const existing = cookieValue(request.headers.get("cookie"), name);
    const valid = existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing);
    const nonce = valid ? existing : randomBytes(32).toString("base64url");
    const token = sign(nonce);
    const setCookie = valid
      ? undefined
      : `${name}=${nonce}; Path=/; HttpOnly; SameSite=Lax${options.secure ? "; Secure" : ""}`;
    return {
      token,
      setCookie,
      verify(posted) {
        if (!valid || typeof posted !== "string" || posted.length !== token.length) return false;
        return timingSafeEqual(Buffer.from(posted), Buffer.from(token));
      },
    };
  };
}
