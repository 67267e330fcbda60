/**
 * better-auth's refusals as a form shows them: the message of the code in the visitor's language (the same
 * catalogue the API localizes with), beside the field it is about when there is one, else above the form.
 */
import { errorMessage } from "../../i18n/index.ts";
import type { AuthAnswer } from "./auth-call.ts";
import type { FormState } from "./components.ts";
import type { PageContext } from "./context.ts";

/** Codes that are about one field, by the name of the field in the page's forms. */
const FIELD_OF_CODE: Readonly<Record<string, string>> = {
  INVALID_EMAIL: "email",
  USER_ALREADY_EXISTS: "email",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "email",
  email_exists: "email",
  PASSWORD_TOO_SHORT: "password",
  PASSWORD_TOO_LONG: "password",
  PASSWORD_TOO_COMMON: "password",
  PASSWORD_CONTAINS_IDENTIFIER: "password",
  INVALID_PASSWORD: "password",
  USERNAME_IS_ALREADY_TAKEN: "username",
  USERNAME_TOO_SHORT: "username",
  USERNAME_TOO_LONG: "username",
  INVALID_USERNAME: "username",
  INVALID_PHONE_NUMBER: "phoneNumber",
  INVALID_OTP: "code",
  OTP_EXPIRED: "code",
  TOO_MANY_ATTEMPTS: "code",
  INVALID_CODE: "code",
  INVALID_TWO_FACTOR_AUTHENTICATION: "code",
  INVALID_BACKUP_CODE: "code",
  TOTP_CODE_ALREADY_USED: "code",
};

export function messageOf(ctx: PageContext, answer: Pick<AuthAnswer, "code">): string {
  return (answer.code && errorMessage(ctx.locale, answer.code)) || ctx.t("pages.common.unexpected");
}

/**
 * The form state of a refused call. `fieldNames` are the fields of this form (a code about another field, or a
 * password field the form names differently, goes to `rename` or above the form).
 */
export function refusedForm(
  ctx: PageContext,
  answer: Pick<AuthAnswer, "code">,
  values: Readonly<Record<string, string>>,
  fieldNames: readonly string[],
  rename: Readonly<Record<string, string>> = {},
): FormState {
  const message = messageOf(ctx, answer);
  const mapped = answer.code ? FIELD_OF_CODE[answer.code] : undefined;
  const fieldName = mapped ? (rename[mapped] ?? mapped) : undefined;
  if (fieldName && fieldNames.includes(fieldName)) return { values, errors: { [fieldName]: message } };
  return { values, formError: message };
}

/** The required fields left empty, each with the "fill in this field" message. */
export function missingFields(
  ctx: PageContext,
  values: Readonly<Record<string, string>>,
  required: readonly string[],
): Record<string, string> | undefined {
  const errors: Record<string, string> = {};
  for (const name of required) if (!values[name]?.trim()) errors[name] = ctx.t("pages.common.required");
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** The posted form's text fields (anything else — files, arrays, a JSON body — is ignored). */
export function formValues(body: unknown, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  for (const name of names) {
    const value = record[name];
    // 4 KiB per field is far above any name, address or code; a password is at most 128 code points.
    if (typeof value === "string") values[name] = value.slice(0, 4096);
  }
  return values;
}
