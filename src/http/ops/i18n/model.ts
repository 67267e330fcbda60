/** Schemas of the I18n routes (validation, types and OpenAPI in one place). */
import { t } from "elysia";
import { SUPPORTED_LOCALES } from "../../../i18n/locales.ts";

export const LocaleName = t.UnionEnum(SUPPORTED_LOCALES, { description: "A supported locale" });

/** Gatehouse's native error envelope (src/platform/errors.ts), for the refusals of these routes. */
export const ErrorBody = t.Object({
  code: t.String(),
  error: t.String(),
  message: t.String({ description: "In the request's locale" }),
  details: t.Optional(t.Record(t.String(), t.Unknown())),
  notices: t.Optional(t.Array(t.String())),
});

export const Greeting = t.Object({
  locale: LocaleName,
  language: t.String({ description: "The locale's name, in that language" }),
  message: t.String(),
});

export const TestParamsQuery = t.Object({
  name: t.String({
    minLength: 1,
    maxLength: 100,
    default: "Ada",
    description: "Interpolated into the texts",
  }),
  count: t.Integer({
    minimum: 0,
    maximum: 1_000_000_000,
    default: 1,
    description: "Picks the plural form by the locale's CLDR rules",
  }),
});

export const TestParams = t.Object({
  locale: LocaleName,
  name: t.String(),
  count: t.Integer(),
  plural_category: t.String({ description: "Intl.PluralRules category of count in this locale" }),
  welcome: t.String(),
  messages: t.String({ description: "The plural message for count" }),
});

export const LanguageBody = t.Object({
  locale: t.String({ minLength: 1, maxLength: 35, description: "A supported locale, or a tag close to one" }),
});

export const LanguageChanged = t.Object({
  locale: LocaleName,
  message: t.String({ description: "Confirmation, in the new language" }),
  saved: t.Boolean({ description: "Whether the signed-in user's preference was saved" }),
});

const CatalogueKey = t.Object({
  key: t.String(),
  params: t.Array(t.String()),
  plural: t.Boolean(),
});

const LocaleCoverage = t.Object({
  locale: LocaleName,
  name: t.String(),
  plural_categories: t.Array(t.String()),
  keys: t.Integer({ description: "Keys present with every plural form the locale needs" }),
  translated: t.Integer({ description: "Keys whose text differs from English (all of them for English)" }),
  coverage: t.Number({ minimum: 0, maximum: 1 }),
  missing: t.Array(t.String()),
});

export const Catalogue = t.Object({
  source_locale: LocaleName,
  locales: t.Array(LocaleCoverage),
  total_keys: t.Integer(),
  keys: t.Array(CatalogueKey),
});
