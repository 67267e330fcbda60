/**
 * The identifier and password rules of every account, whichever API creates or changes it. They live here, in
 * the auth layer, because it is the lowest layer that enforces them (better-auth's own options read them in
 * src/auth/index.ts and src/auth/plugins/index.ts); the identity core (src/identity/accounts/rules.ts) and every
 * dialect's `t` schemas import them from here, so no API accepts what another refuses.
 */
import { z } from "zod";
import { isCommonPassword } from "../platform/password/common.ts";

/** Password length, in Unicode code points (an emoji counts once; better-auth's own check counts UTF-16 units). */
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

/** Why a new password is refused, or undefined when it is acceptable. */
export type PasswordProblem = "too_short" | "too_long" | "too_common" | "contains_identifier";

/** Letters that must remain once the user's identifiers are taken out of a password (digits are guessed first). */
const OWN_LETTERS_MIN = 4;

/** The pieces of a user's identifiers a password must not be built from: `Alice Smith` gives alice, smith. */
function identifierPieces(identifiers: readonly (string | null | undefined)[]): string[] {
  const pieces = new Set<string>();
  for (const identifier of identifiers) {
    if (!identifier) continue;
    const lower = identifier.toLowerCase().trim();
    pieces.add(lower);
    const [local, domain] = lower.split("@");
    if (local) pieces.add(local);
    if (domain) pieces.add(domain.split(".")[0] ?? "");
    for (const word of lower.split(/[^\p{L}\p{N}]+/u)) pieces.add(word);
    const digits = lower.replace(/\D/g, "");
    if (digits.length >= 6) pieces.add(digits);
  }
  // Longest first, so that `alice@example.com` goes before `alice`; pieces under 3 characters say nothing.
  return [...pieces].filter((piece) => piece.length >= 3).sort((a, b) => b.length - a.length);
}

/**
 * The password rule of every create, change and reset path: PASSWORD_MIN to PASSWORD_MAX code points, not one
 * of the most common passwords (src/platform/password/common.ts), not only whitespace or one repeated
 * character, and not built from the user's own identifiers (e-mail, its local part and domain, username, name,
 * phone number): when it contains one, at least OWN_LETTERS_MIN letters must remain without them, so
 * `alice2024!` is refused for alice@example.com while `alice-likes-green-tea` is not.
 */
export function passwordProblem(
  password: string,
  identifiers: readonly (string | null | undefined)[] = [],
): PasswordProblem | undefined {
  const codePoints = [...password];
  if (codePoints.length < PASSWORD_MIN) return "too_short";
  if (codePoints.length > PASSWORD_MAX) return "too_long";
  if (isCommonPassword(password) || new Set(codePoints).size < 3 || password.trim() === "")
    return "too_common";
  const lower = password.toLowerCase();
  let rest = lower;
  for (const piece of identifierPieces(identifiers)) rest = rest.replaceAll(piece, "");
  if (rest !== lower && rest.replace(/\P{L}/gu, "").length < OWN_LETTERS_MIN) return "contains_identifier";
  return undefined;
}
