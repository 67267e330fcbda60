/**
 * `?redirect_to=`: where a sign-in or sign-up sends the browser afterwards. Only a path on this host, or an
 * absolute URL on BASE_URL or a TRUSTED_ORIGINS origin (better-auth's own rule, patterns included), is
 * followed; anything else is ignored, so the pages are no open redirect.
 */

/** After signing in without a (usable) redirect_to. */
export const DEFAULT_TARGET = "/account";

const MAX_LENGTH = 2048;

export type TrustedOriginCheck = (origin: string) => boolean | Promise<boolean>;

/** Whitespace or a control character: browsers strip or reinterpret them, so such a path is not what it seems. */
function hasControlOrSpace(value: string): boolean {
  for (const char of value) if (char.trim() === "" || (char.codePointAt(0) ?? 0) < 0x20) return true;
  return false;
}

/** The target to use, or undefined when `value` is missing or not allowed. */
export async function allowedTarget(
  value: unknown,
  isTrusted: TrustedOriginCheck,
): Promise<string | undefined> {
  if (typeof value !== "string" || value === "" || value.length > MAX_LENGTH) return undefined;
  // A path on this host; `//host` and `/\host` are protocol-relative URLs to another host in a browser.
  if (value.startsWith("/")) {
    if (value.startsWith("//") || value.startsWith("/\\") || hasControlOrSpace(value)) return undefined;
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username || url.password) return undefined;
  return (await isTrusted(url.origin)) ? url.toString() : undefined;
}
