/**
 * The locales Gatehouse speaks and the plural categories each one's CLDR rules use. The categories are declared
 * here (not read from Intl at run time) so that the type of each locale's resources can demand exactly those
 * plural forms; a test checks them against Intl.PluralRules.
 */
export const SUPPORTED_LOCALES = ["en", "es", "fr", "de", "pt-BR", "ja", "zh-CN"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** The locale whose resources are the source of every key and parameter. */
export const SOURCE_LOCALE = "en" satisfies Locale;

export const PLURAL_CATEGORIES = {
  en: ["one", "other"],
  es: ["one", "many", "other"],
  fr: ["one", "many", "other"],
  de: ["one", "other"],
  "pt-BR": ["one", "many", "other"],
  ja: ["other"],
  "zh-CN": ["other"],
} as const satisfies Record<Locale, readonly string[]>;

export type PluralCategoryOf<L extends Locale> = (typeof PLURAL_CATEGORIES)[L][number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}
