/**
 * defineLocale("fr")({...}): declares a locale's resources. The object must have every key of the source
 * locale, each plural key in exactly that locale's plural categories, and the same `{{placeholders}}`;
 * anything else fails to compile.
 */
import type { Locale } from "./locales.ts";
import type { CheckPlaceholders, LocaleResources, Source } from "./types.ts";

export function defineLocale<L extends Locale>(_locale: L) {
  return <const R extends LocaleResources<L>>(
    resources: R & CheckPlaceholders<R, Source>,
  ): LocaleResources<L> => resources;
}
