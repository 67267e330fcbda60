/**
 * The message of a Gatehouse AppError in a locale, by its code (the `errors` catalogue; a new module adds its
 * codes there). `details` fill the message's placeholders. A thrower's own English wording (more specific
 * than the catalogue's) is kept for English; other locales get the catalogue's text, and `details` still
 * carry the specifics. A code no catalogue knows keeps its message.
 */
import { errorMessage } from "./index.ts";
import type { Locale } from "./locales.ts";

export interface LocalizableError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function appErrorMessage(locale: Locale, error: LocalizableError): string {
  const english = errorMessage("en", error.code, error.details);
  if (english === undefined) return error.message;
  const specific = error.message !== error.code && error.message !== english;
  if (locale === "en" && specific) return error.message;
  return errorMessage(locale, error.code, error.details) ?? error.message;
}
