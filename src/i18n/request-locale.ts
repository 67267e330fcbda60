/**
 * The locale of an incoming request, including the signed-in user's saved preference (`user.locale`). That
 * needs a session lookup, which the auth layer provides as `savedLocale` (src/auth/locale.ts); it is asked only
 * when `?lang` and the cookie leave the choice open.
 */
import type { Locale } from "./locales.ts";
import { localeOfRequest } from "./negotiate.ts";

export type LocaleResolver = (request: Request) => Promise<Locale>;

/** The saved locale of the user a request is signed in as, or null (no session, or none saved). */
export type SavedLocaleLookup = (headers: Headers) => Promise<string | null>;

export function createLocaleResolver(deps: {
  savedLocale: SavedLocaleLookup;
  defaultLocale: string;
}): LocaleResolver {
  return (request) =>
    localeOfRequest(request, {
      defaultLocale: deps.defaultLocale,
      userLocale: () => deps.savedLocale(request.headers),
    });
}
