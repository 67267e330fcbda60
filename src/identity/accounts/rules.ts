/**
 * Checks shared by every way of creating or changing a user; each failure names its field. The limits
 * themselves are src/auth/account-rules.ts, which better-auth's options read too.
 */
import {
  AVATAR_MAX_BYTES,
  avatarBytes,
  isValidEmail,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PHONE_E164_PATTERN,
  passwordProblem,
} from "../../auth/account-rules.ts";
import { V1Errors } from "../errors.ts";

export {
  AVATAR_MAX_BYTES,
  EMAIL_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_MAX,
  USERNAME_MIN,
  USERNAME_SCHEMA_PATTERN,
} from "../../auth/account-rules.ts";

/** The e-mail address as stored (trimmed, lower case). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkEmail(email: string, field = "email"): string {
  const normalized = normalizeEmail(email);
  if (!isValidEmail(normalized)) {
    throw V1Errors.invalidRequest("The e-mail address is not valid", { field });
  }
  return normalized;
}

export function checkPhoneNumber(phoneNumber: string, field = "phoneNumber"): string {
  if (!PHONE_E164_PATTERN.test(phoneNumber)) {
    throw V1Errors.invalidRequest("The phone number must be in E.164 form, e.g. +919999999999", { field });
  }
  return phoneNumber;
}

/**
 * The password rule (src/auth/account-rules.ts): length in code points, not a common password, not built from
 * `identifiers` (the account's e-mail, username, name, phone number).
 */
export function checkPassword(
  password: string,
  field = "password",
  identifiers: readonly (string | null | undefined)[] = [],
): void {
  switch (passwordProblem(password, identifiers)) {
    case "too_short":
      throw V1Errors.invalidRequest(`The password must have at least ${PASSWORD_MIN} characters`, {
        field,
        min: PASSWORD_MIN,
      });
    case "too_long":
      throw V1Errors.invalidRequest(`The password must have at most ${PASSWORD_MAX} characters`, {
        field,
        max: PASSWORD_MAX,
      });
    case "too_common":
      throw V1Errors.passwordTooCommon(field);
    case "contains_identifier":
      throw V1Errors.passwordContainsIdentifier(field);
    case undefined:
      return;
  }
}

/** A data URI of an image, at most AVATAR_MAX_BYTES once decoded. */
export function checkAvatar(avatar: string, field = "avatar_base64"): string {
  const decoded = avatarBytes(avatar);
  if (decoded === undefined)
    throw V1Errors.invalidRequest("The avatar must be a base64 data URI of an image", { field });
  if (decoded > AVATAR_MAX_BYTES) {
    throw V1Errors.invalidRequest("The avatar is larger than 256 KB", { field, max_bytes: AVATAR_MAX_BYTES });
  }
  return avatar;
}
