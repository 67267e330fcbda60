/**
 * The identifier and password rules of every account, whichever API creates or changes it. They live here, in
 * the auth layer, because it is the lowest layer that enforces them (better-auth's own options read them in
 * src/auth/index.ts and src/auth/plugins/index.ts); the identity core (src/identity/accounts/rules.ts) and every
 * dialect's `t` schemas import them from here, so no API accepts what another refuses.
 */
import { z } from "zod";

/** Password length, in characters (better-auth's minPasswordLength / maxPasswordLength). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Usernames: GeoLens (seed 002) allows 3 to 150 characters; dashes are common in imported ones. */
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 150;
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** The same rule as one JSON-Schema pattern (length included), for the `t` schemas of the dialects. */
export const USERNAME_SCHEMA_PATTERN = `^[A-Za-z0-9_.-]{${USERNAME_MIN},${USERNAME_MAX}}$`;

/**
 * E-mail: zod's `z.email()`, the rule better-auth's own routes apply (ASCII, no comments, no IP literals), so
 * an address /v1 accepts is one better-auth stores; at most 254 characters (RFC 5321's path limit).
 */
export const EMAIL_MAX = 254;
const EMAIL_SCHEMA = z.email();

/** Display names (users, tenants): enough for any real name, small enough to copy into every token. */
export const NAME_MAX = 200;
/** URLs (profile images, callback URLs): the de-facto limit of browsers and proxies. */
export const URL_MAX = 2048;
/** A BCP 47 language tag: RFC 5646 advises supporting at least 35 characters. */
export const LOCALE_MAX = 35;

// ~256 KB decoded (seed 001): large enough for a profile picture, small enough to keep user rows light.
export const AVATAR_MAX_BYTES = 256 * 1024;
const AVATAR = /^data:image\/(png|jpeg|jpg|gif|webp|svg\+xml);base64,([A-Za-z0-9+/]+={0,2})$/;

/** Phone numbers are stored in E.164: `+`, a country code and at most 15 digits in all. */
export const PHONE_E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

export function isValidUsername(name: string): boolean {
  return name.length >= USERNAME_MIN && name.length <= USERNAME_MAX && USERNAME_PATTERN.test(name);
}

export function isValidEmail(email: string): boolean {
  return email.length <= EMAIL_MAX && EMAIL_SCHEMA.safeParse(email).success;
}

/** The decoded size of an image data URI, or undefined when `value` is not one. */
export function avatarBytes(value: string): number | undefined {
  const data = AVATAR.exec(value)?.[2];
  if (!data) return undefined;
  return Math.floor((data.length * 3) / 4) - (data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0);
}

/** A profile image: an http(s) URL of at most URL_MAX characters, or an image data URI of at most ~256 KB. */
export function isValidImage(value: string): boolean {
  if (value.startsWith("data:")) {
    const bytes = avatarBytes(value);
    return bytes !== undefined && bytes <= AVATAR_MAX_BYTES;
  }
  if (value.length > URL_MAX || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "https:" || protocol === "http:";
}
