/**
 * The identifier and password rules of every account, whichever API creates or changes it. They live here, in
 * the auth layer, because it is the lowest layer that enforces them (better-auth's own options read them in
 * src/auth/index.ts and src/auth/plugins/index.ts); the identity core (src/identity/accounts/rules.ts) and every
 * dialect's `t` schemas import them from here, so no API accepts what another refuses.
 */

/** Password length, in characters (better-auth's minPasswordLength / maxPasswordLength). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Usernames: GeoLens (seed 002) allows 3 to 150 characters; dashes are common in imported ones. */
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 150;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** The same rule as one JSON-Schema pattern (length included), for the `t` schemas of the dialects. */
export const USERNAME_SCHEMA_PATTERN = `^[A-Za-z0-9_.-]{${USERNAME_MIN},${USERNAME_MAX}}$`;

/** E-mail: one `@`, a dot in the domain, no spaces; at most 254 characters (RFC 5321's path limit). */
export const EMAIL_MAX = 254;
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Phone numbers are stored in E.164: `+`, a country code and at most 15 digits in all. */
export const PHONE_E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

export function isValidUsername(name: string): boolean {
  return name.length >= USERNAME_MIN && name.length <= USERNAME_MAX && USERNAME_PATTERN.test(name);
}

export function isValidEmail(email: string): boolean {
  return email.length <= EMAIL_MAX && EMAIL_PATTERN.test(email);
}
