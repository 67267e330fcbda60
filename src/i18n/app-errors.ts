/**
 * Gatehouse's own error codes and their messages. A module declares its codes with `defineAppErrors`: every
 * code must be a key of the `errors` catalogue (src/i18n/locales/en.ts; every locale has the same keys, checked
 * by src/i18n/define.ts), so an unknown code does not compile, and the English text there is its message.
 *
 * `appErrorMessage` gives an AppError's message in a locale, by its code. `details` fill the message's
 * placeholders. A thrower's own English wording (more specific than the catalogue's) is kept for English; other
 * locales get the catalogue's text, and `details` still carry the specifics. A code no catalogue knows keeps
 * its message.
 */
import { defineErrors, type ErrorCatalogue } from "../platform/errors.ts";
import { errorMessage } from "./index.ts";
import { en } from "./locales/en.ts";
import type { Locale } from "./locales.ts";
import type { CodesOf } from "./types.ts";

export type AppErrorCode = CodesOf<"errors">;

/** A catalogue entry of a localized code: its status (the message is the locale catalogue's). */
export interface AppErrorSpec {
  readonly status: number;
}

type Checked<C> = { readonly [K in keyof C]: K extends AppErrorCode ? AppErrorSpec : never };
type WithMessages<C> = { readonly [K in keyof C]: { readonly status: number; readonly message: string } };

export function defineAppErrors<const C extends Checked<C>>(specs: C): ErrorCatalogue<WithMessages<C>> {
  const withMessages = Object.fromEntries(
    Object.entries(specs as Readonly<Record<string, AppErrorSpec>>).map(([code, spec]) => [
      code,
      { status: spec.status, message: en.errors[code as AppErrorCode] },
    ]),
  );
  return defineErrors(withMessages as WithMessages<C>);
}

export interface LocalizableError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

function isAppErrorCode(code: string): code is AppErrorCode {
  return Object.hasOwn(en.errors, code);
}

export function appErrorMessage(locale: Locale, error: LocalizableError): string {
  const english = errorMessage("en", error.code, error.details);
  if (english === undefined) return error.message;
  // The catalogue's own text (placeholders not yet filled) is not a thrower's wording.
  const template = isAppErrorCode(error.code) ? en.errors[error.code] : undefined;
  const specific = error.message !== error.code && error.message !== english && error.message !== template;
  if (locale === "en" && specific) return error.message;
  return errorMessage(locale, error.code, error.details) ?? error.message;
}
