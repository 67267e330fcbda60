/**
 * Translation: one i18next instance over the typed resources of every supported locale. `t` is typed by the
 * source locale, so an unknown key or a missing or misspelt parameter does not compile; `errorMessage` looks a
 * code up at run time (codes arrive in responses and AppErrors as plain strings).
 */
import i18next from "i18next";
import { de } from "./locales/de.ts";
import { en } from "./locales/en.ts";
import { es } from "./locales/es.ts";
import { fr } from "./locales/fr.ts";
import { ja } from "./locales/ja.ts";
import { ptBR } from "./locales/pt-br.ts";
import { zhCN } from "./locales/zh-cn.ts";
import { isLocale, type Locale, SOURCE_LOCALE, SUPPORTED_LOCALES } from "./locales.ts";
import type { CodesOf, LocaleResources, ParamsArg, TranslationKey } from "./types.ts";

export { isLocale, type Locale, SUPPORTED_LOCALES } from "./locales.ts";
export type { TranslationKey } from "./types.ts";

export const RESOURCES: { readonly [L in Locale]: LocaleResources<L> } = {
  en,
  es,
  fr,
  de,
  "pt-BR": ptBR,
  ja,
  "zh-CN": zhCN,
};

const instance = i18next.createInstance();
void instance.init({
  // Resources are in memory: initialise synchronously so `t` works from the first import.
  initAsync: false,
  resources: Object.fromEntries(
    SUPPORTED_LOCALES.map((locale) => [locale, { translation: RESOURCES[locale] }]),
  ),
  supportedLngs: [...SUPPORTED_LOCALES],
  lng: SOURCE_LOCALE,
  fallbackLng: SOURCE_LOCALE,
  // `pt-BR` must not be loaded as `pt` + `pt-BR`: every locale is complete on its own.
  load: "currentOnly",
  // Output goes into JSON bodies, plain-text mail and SMS; HTML templates escape what they embed themselves.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function t<K extends TranslationKey>(locale: Locale, key: K, ...params: ParamsArg<K>): string {
  return instance.t(key, { ...params[0], lng: locale });
}

function isCode<N extends "auth" | "errors">(namespace: N, code: string): code is CodesOf<N> {
  return Object.hasOwn(en[namespace], code);
}

/** Whether Gatehouse has a message for this error code (ours first, then better-auth's). */
export function hasErrorMessage(code: string): boolean {
  return isCode("errors", code) || isCode("auth", code);
}

/**
 * The message of an error code in a locale, or undefined for a code no catalogue knows. Values of `params`
 * fill the message's `{{placeholders}}` (an AppError passes its details).
 */
export function errorMessage(
  locale: Locale,
  code: string,
  params: Readonly<Record<string, unknown>> = {},
): string | undefined {
  const key = isCode("errors", code) ? `errors.${code}` : isCode("auth", code) ? `auth.${code}` : undefined;
  if (!key) return undefined;
  return instance.t(key, { ...params, lng: locale });
}

/** Turns an unknown value into a supported locale, or undefined. */
export function asLocale(value: unknown): Locale | undefined {
  return isLocale(value) ? value : undefined;
}
