/**
 * GET /language?lang=…&return_to=…: the language switcher of every page (a plain form, so it works without
 * script). It stores the choice in the `locale` cookie, which the negotiation reads before the saved locale
 * and Accept-Language (src/i18n/negotiate.ts), and returns to the page it came from — a path on this host only.
 */
import { Elysia } from "elysia";
import { closestLocale } from "../../i18n/negotiate.ts";
import { localeCookie, PAGE_ROUTE, type Pages } from "./context.ts";

export function languagePages(pages: Pages) {
  return new Elysia({ name: "pages-language", detail: PAGE_ROUTE }).get(
    "/language",
    async ({ request, query }) => {
      const ctx = await pages.context(request);
      const locale = closestLocale(typeof query.lang === "string" ? query.lang : undefined);
      const back = typeof query.return_to === "string" ? query.return_to : "";
      const local =
        back.startsWith("/") && !back.startsWith("//") && !back.startsWith("/\\") ? back : "/sign-in";
      return pages.redirect(ctx, local, locale ? [localeCookie(locale, pages.secure)] : []);
    },
  );
}
