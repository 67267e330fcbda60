/**
 * The locale of an incoming request, including the signed-in user's saved preference (`user.locale`), which
 * needs a session lookup — done only when `?lang` and the cookie leave the choice open, and only when the
 * request carries a credential at all.
 */
import type { Auth } from "../auth/index.ts";
import type { Locale } from "./locales.ts";
import { localeOfRequest } from "./negotiate.ts";

export type LocaleResolver = (request: Request) => Promise<Locale>;

function carriesCredential(headers: Headers): boolean {
  return headers.has("authorization") || (headers.get("cookie") ?? "").includes("session_token");
}

/** The saved locale of the session's user, or null (no session, or none saved). */
export async function sessionUserLocale(auth: Auth, headers: Headers): Promise<string | null> {
  if (!carriesCredential(headers)) return null;
  try {
    const session = await auth.api.getSession({ headers });
    return session?.user.locale ?? null;
  } catch {
    // An unreadable session is the auth layer's business; the language falls back to the next candidate.
    return null;
  }
}

export function createLocaleResolver(deps: { auth: Auth; defaultLocale: string }): LocaleResolver {
  return (request) =>
    localeOfRequest(request, {
      defaultLocale: deps.defaultLocale,
      userLocale: () => sessionUserLocale(deps.auth, request.headers),
    });
}
