/** The saved locale of the user a request is signed in as: the session lookup behind i18n's request locale. */
import type { SavedLocaleLookup } from "../i18n/request-locale.ts";
import type { Auth } from "./index.ts";

function carriesCredential(headers: Headers): boolean {
  return headers.has("authorization") || (headers.get("cookie") ?? "").includes("session_token");
}

export function savedLocaleLookup(auth: Auth): SavedLocaleLookup {
  return async (headers) => {
    if (!carriesCredential(headers)) return null;
    try {
      const session = await auth.api.getSession({ headers });
      return session?.user.locale ?? null;
    } catch {
      // An unreadable session is the auth layer's business; the language falls back to the next candidate.
      return null;
    }
  };
}
