/**
 * The I18n routes: a localized greeting, interpolation and plural forms, changing the language (cookie, and
 * the saved preference when signed in), and the catalogue with each locale's coverage.
 */
import { Elysia } from "elysia";
import type { Auth } from "../../../auth/index.ts";
import { savedLocaleLookup } from "../../../auth/locale.ts";
import { t } from "../../../i18n/index.ts";
import type { Locale } from "../../../i18n/locales.ts";
import { LOCALE_COOKIE } from "../../../i18n/negotiate.ts";
import { createLocaleResolver } from "../../../i18n/request-locale.ts";
import {
  Catalogue,
  ErrorBody,
  Greeting,
  LanguageBody,
  LanguageChanged,
  TestParams,
  TestParamsQuery,
} from "./model.ts";
import { greeting, requestedLocale, saveUserLocale, testParams, typeSafetyCatalogue } from "./service.ts";

export interface I18nModuleDeps {
  readonly auth: Auth;
  readonly config: { readonly defaultLocale: string; readonly baseUrl: string };
}

// A year: the choice is the user's until they change it.
const COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export function i18nModule({ auth, config }: I18nModuleDeps) {
  const localeOf = createLocaleResolver({
    savedLocale: savedLocaleLookup(auth),
    defaultLocale: config.defaultLocale,
  });
  const tags = ["I18n"];
  return new Elysia({ name: "i18n" })
    .get("/i18n/test", async ({ request }) => greeting(await localeOf(request)), {
      detail: { tags, summary: "Test i18n", description: "A greeting in the negotiated locale." },
      response: { 200: Greeting },
    })
    .get(
      "/i18n/test-params",
      async ({ request, query }) => testParams(await localeOf(request), query.name, query.count),
      {
        query: TestParamsQuery,
        detail: {
          tags,
          summary: "Test i18n with params",
          description: "Interpolation of `name`, and the plural form for `count` by the locale's rules.",
        },
        response: { 200: TestParams, 400: ErrorBody },
      },
    )
    .post(
      "/i18n/language",
      async ({ request, body, set }) => {
        const locale: Locale = requestedLocale(body.locale);
        // Written as a header, not through Elysia's `cookie`: a handler that names `cookie` makes Elysia parse
        // the cookies of every request of the app. Not HttpOnly: front-ends may read it to render in the same
        // language; it is no secret.
        const secure = config.baseUrl.startsWith("https://") ? "; Secure" : "";
        set.headers["set-cookie"] =
          `${LOCALE_COOKIE}=${encodeURIComponent(locale)}; Max-Age=${COOKIE_MAX_AGE_SECONDS}; Path=/; SameSite=Lax${secure}`;
        const saved = await saveUserLocale(auth, request.headers, locale);
        return { locale, message: t(locale, "language.changed"), saved };
      },
      {
        body: LanguageBody,
        detail: {
          tags,
          summary: "Change language",
          description:
            "Sets the `locale` cookie, and saves the preference of the signed-in user (cookie or bearer session).",
        },
        response: { 200: LanguageChanged, 400: ErrorBody, 429: ErrorBody },
      },
    )
    .get("/i18n/type-safety", () => typeSafetyCatalogue(), {
      detail: {
        tags,
        summary: "Type safety",
        description:
          "The catalogue generated from the typed resources: keys, their parameters, coverage per locale.",
      },
      response: { 200: Catalogue },
    });
}
