/**
 * Which session token a request names, read the way better-auth 1.7.25 reads it — or `undefined` when the
 * request is anything but the common case, so that the caller leaves it to better-auth.
 *
 * - A cookie: `<prefix>.session_token` holds `<token>.<signature>` (better-call's signed cookie: HMAC-SHA-256
 *   of the token with the auth secret, base64 with padding, URL-encoded). A bad signature is no session.
 * - A bearer token (the bearer plugin, node_modules/better-auth/dist/plugins/bearer/index.mjs): a raw token
 *   (no `.`) is signed by the plugin itself and so always stands for itself; it replaces the cookie's token.
 *   A signed bearer (`<token>.<signature>`) or one with `%` is left to better-auth.
 * - `<prefix>.dont_remember` (a sign-in with rememberMe: false) is a signed cookie too: it only switches off
 *   the refresh, so it is verified and reported.
 */

interface CookieNames {
  readonly sessionToken: string;
  readonly dontRemember: string;
  readonly sessionData: string;
}

export interface Credential {
  readonly token: string;
  readonly dontRememberMe: boolean;
}

/** better-call's signature length: 32 bytes in base64 with its padding. */
const SIGNATURE_LENGTH = 44;
// Verified cookie values, so a client's repeated requests cost one HMAC; a value maps to one token forever.
const VERIFIED_MAX = 10_000;
const RAW_TOKEN = /^[A-Za-z0-9_-]+$/;

function cookieValues(header: string): Map<string, string> | undefined {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    // Two cookies of one name, quoting: better-call's parser has rules of its own for these; not ours to copy.
    if (cookies.has(name)) return undefined;
    const value = part.slice(eq + 1).trim();
    if (value.startsWith('"')) return undefined;
    cookies.set(name, value);
  }
  return cookies;
}

export function createCredentialReader(secret: string, names: CookieNames) {
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const verified = new Map<string, string | null>();

  /** The signed value of a cookie, null when the signature does not hold (as better-call's getSignedCookie). */
  async function unsign(encoded: string): Promise<string | null | undefined> {
    const known = verified.get(encoded);
    if (known !== undefined) return known;
    let value: string;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      return undefined;
    }
    const dot = value.lastIndexOf(".");
    if (dot < 1) return undefined;
    const signed = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    if (signature.length !== SIGNATURE_LENGTH || !signature.endsWith("=")) return undefined;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
    } catch {
      return undefined;
    }
    const ok = await crypto.subtle.verify("HMAC", await key, bytes, new TextEncoder().encode(signed));
    const result = ok ? signed : null;
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(encoded, result);
    return result;
  }

  /** The credential of the request; null: it names no session at all; undefined: ask better-auth. */
  return async function readCredential(headers: Headers): Promise<Credential | null | undefined> {
    const cookieHeader = headers.get("cookie");
    const cookies = cookieHeader ? cookieValues(cookieHeader) : new Map<string, string>();
    if (!cookies) return undefined;
    // A session_data cookie (cookie cache, off here) makes better-auth answer with a Set-Cookie that clears it.
    for (const name of cookies.keys()) if (name.startsWith(names.sessionData)) return undefined;
    let dontRememberMe = false;
    const dontRemember = cookies.get(names.dontRemember);
    if (dontRemember !== undefined) {
      const value = await unsign(dontRemember);
      if (value === undefined) return undefined;
      dontRememberMe = Boolean(value);
    }
    const authorization = headers.get("authorization");
    if (authorization !== null) {
      if (authorization.slice(0, 7).toLowerCase() !== "bearer ") return undefined;
      const token = authorization.slice(7).trim();
      if (!RAW_TOKEN.test(token)) return undefined;
      return { token, dontRememberMe };
    }
    const cookie = cookies.get(names.sessionToken);
    if (cookie === undefined) return null;
    const token = await unsign(cookie);
    if (token === undefined) return undefined;
    return token ? { token, dontRememberMe } : null;
  };
}
