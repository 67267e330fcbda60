/**
 * Locale negotiation. The first candidate that maps to a supported locale wins, in this order: `?lang`, the
 * `locale` cookie, the signed-in user's saved preference, `Accept-Language` (by q-value), DEFAULT_LOCALE.
 * A tag maps to the closest supported locale: `pt` and `pt-PT` → `pt-BR`, `zh-TW` → `zh-CN`, `de-AT` → `de`.
 */
import { type Locale, SOURCE_LOCALE, SUPPORTED_LOCALES } from "./locales.ts";

export const LOCALE_COOKIE = "locale";
export const LOCALE_QUERY = "lang";

export interface LocaleCandidates {
  readonly query?: string | null;
  readonly cookie?: string | null;
  readonly user?: string | null;
  readonly acceptLanguage?: string | null;
  readonly defaultLocale: string;
}

// A BCP 47 tag as browsers send it: letters, digits and hyphens (underscores tolerated), short.
const TAG = /^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$/;

const BY_LOWER_CASE = new Map<string, Locale>(
  SUPPORTED_LOCALES.map((locale) => [locale.toLowerCase(), locale]),
);
/** The supported locale for each primary language subtag (the first listed wins). */
const BY_LANGUAGE = new Map<string, Locale>();
for (const locale of SUPPORTED_LOCALES) {
  const language = locale.split("-")[0]?.toLowerCase() ?? locale;
  if (!BY_LANGUAGE.has(language)) BY_LANGUAGE.set(language, locale);
}

/** The supported locale closest to a language tag, or undefined when none speaks its language. */
export function closestLocale(tag: string | null | undefined): Locale | undefined {
  const trimmed = tag?.trim();
  if (!trimmed || !TAG.test(trimmed)) return undefined;
  const normalised = trimmed.replace(/_/g, "-").toLowerCase();
  const exact = BY_LOWER_CASE.get(normalised);
  if (exact) return exact;
  return BY_LANGUAGE.get(normalised.split("-")[0] ?? normalised);
}

/** `Accept-Language` entries, highest q first (ties keep header order); `q=0` and `*` are left out. */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  const entries: { tag: string; q: number; index: number }[] = [];
  // A header is a handful of entries; stop a hostile one from costing more than that.
  for (const [index, part] of header.split(",").slice(0, 32).entries()) {
    const [rawTag, ...params] = part.split(";");
    const tag = rawTag?.trim() ?? "";
    if (!tag || tag === "*") continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split("=").map((s) => s.trim());
      if (name?.toLowerCase() === "q") q = Number(value);
    }
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    entries.push({ tag, q, index });
  }
  return entries.sort((a, b) => b.q - a.q || a.index - b.index).map((entry) => entry.tag);
}

export function resolveLocale(candidates: LocaleCandidates): Locale {
  return (
    closestLocale(candidates.query) ??
    closestLocale(candidates.cookie) ??
    closestLocale(candidates.user) ??
    fromAcceptLanguage(candidates.acceptLanguage) ??
    defaultLocaleOf(candidates.defaultLocale)
  );
}

function fromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  for (const tag of parseAcceptLanguage(header)) {
    const locale = closestLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

/** DEFAULT_LOCALE, mapped like any tag; English when it names no supported language. */
export function defaultLocaleOf(configured: string): Locale {
  return closestLocale(configured) ?? SOURCE_LOCALE;
}

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** What a request says about its language, without the user's saved preference. */
export function requestCandidates(request: Request): Omit<LocaleCandidates, "defaultLocale" | "user"> {
  let query: string | null = null;
  try {
    query = new URL(request.url).searchParams.get(LOCALE_QUERY);
  } catch {
    // A relative URL (some direct better-auth API calls) carries no query to read.
  }
  return {
    query,
    cookie: cookieValue(request.headers.get("cookie"), LOCALE_COOKIE),
    acceptLanguage: request.headers.get("accept-language"),
  };
}

/**
 * The request's locale. `userLocale` is only called when neither `?lang` nor the cookie decides, because it
 * costs a session lookup.
 */
export async function localeOfRequest(
  request: Request,
  options: { defaultLocale: string; userLocale?: () => Promise<string | null | undefined> },
): Promise<Locale> {
  const fromRequest = requestCandidates(request);
  const explicit = closestLocale(fromRequest.query) ?? closestLocale(fromRequest.cookie);
  if (explicit) return explicit;
  const user = options.userLocale ? await options.userLocale() : undefined;
  return resolveLocale({ ...fromRequest, user, defaultLocale: options.defaultLocale });
}

/**
 * The locale of a mail or SMS: the recipient's saved preference, else what the triggering request asked for,
 * else DEFAULT_LOCALE. Synchronous: the senders already hold the user and the request.
 */
export function recipientLocale(
  user: object | null | undefined,
  request: Request | null | undefined,
  defaultLocale: string,
): Locale {
  // better-auth types the user of its callbacks without additional fields; the row carries `locale` anyway.
  const saved = closestLocale(
    user && "locale" in user && typeof user.locale === "string" ? user.locale : null,
  );
  if (saved) return saved;
  return resolveLocale({ ...(request ? requestCandidates(request) : {}), defaultLocale });
}
