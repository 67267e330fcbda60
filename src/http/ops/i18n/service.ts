/**
 * The I18n module's logic, free of HTTP: greetings and plural samples in a locale, the catalogue, and saving a
 * user's preferred locale.
 */
import type { Auth } from "../../../auth/index.ts";
import { buildCatalogue, type Catalogue } from "../../../i18n/catalogue.ts";
import { type Locale, SUPPORTED_LOCALES, t } from "../../../i18n/index.ts";
import { closestLocale } from "../../../i18n/negotiate.ts";
import { I18nErrors } from "./errors.ts";

export function greeting(locale: Locale) {
  return { locale, language: t(locale, "language.name"), message: t(locale, "language.greeting") };
}

export function testParams(locale: Locale, name: string, count: number) {
  return {
    locale,
    name,
    count,
    plural_category: new Intl.PluralRules(locale).select(count),
    welcome: t(locale, "language.welcome", { name }),
    messages: t(locale, "language.messages", { name, count }),
  };
}

// Built once: the resources are constants.
let catalogue: Catalogue | undefined;
export function typeSafetyCatalogue(): Catalogue {
  catalogue ??= buildCatalogue();
  return catalogue;
}

/** The supported locale a requested one stands for (`pt` → `pt-BR`), or a 400 listing the supported ones. */
export function requestedLocale(value: string): Locale {
  const locale = closestLocale(value);
  if (!locale) {
    const supported = SUPPORTED_LOCALES.join(", ");
    throw I18nErrors.unsupported_locale({ details: { supported, locales: SUPPORTED_LOCALES } });
  }
  return locale;
}

/** Saves the preference of the session's user; false when the request is not signed in. */
export async function saveUserLocale(auth: Auth, headers: Headers, locale: Locale): Promise<boolean> {
  const session = await auth.api.getSession({ headers }).catch(() => null);
  if (!session) return false;
  await auth.api.updateUser({ headers, body: { locale } });
  return true;
}
