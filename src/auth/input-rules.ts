/**
 * Input rules better-auth's routes lack, checked before any of its handlers or plugin hooks read the body (a
 * plugin of ours placed first: src/auth/index.ts). Without them `update-user` with `{"name":null}` or
 * `{"username":5}` threw (500), `{"name":true}` was stored as "1", a 1,000,000-character name was copied into
 * every JWT, `ban-user` with `banExpiresIn` 2^53 made an invalid date (500), an `issuer` with a lone surrogate
 * broke the TOTP URI (500), a `callbackURL` that is neither a path nor an absolute URL broke the redirect
 * (500), and a 100 KB OAuth `error` came back as a 100 KB `Location`. Each refusal is better-auth's own 400
 * `VALIDATION_ERROR` naming the field, as its validation would have answered. Password rules:
 * src/auth/password-rules.ts.
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { illFormedStringPath } from "../platform/well-formed.ts";
import {
  EMAIL_MAX,
  isValidImage,
  LOCALE_MAX,
  NAME_MAX,
  PASSWORD_MAX,
  URL_MAX,
  USERNAME_MAX,
} from "./account-rules.ts";

/** An E.164 number is at most 16 characters; national forms with spaces and dashes stay well under this. */
const PHONE_MAX = 32;
/** A ban lasts at most 100 years: longer is "forever", which is a ban without expiry. */
const BAN_MAX_SECONDS = 100 * 365 * 24 * 60 * 60;
const BAN_REASON_MAX = 1000;

/**
 * Fields that are strings wherever better-auth takes them, with their maximum length (`null`: the username
 * plugin checks the length itself, with its own code USERNAME_TOO_LONG).
 */
const STRING_FIELDS: Readonly<Record<string, number | null>> = {
  name: NAME_MAX,
  username: null,
  displayUsername: USERNAME_MAX,
  email: EMAIL_MAX,
  newEmail: EMAIL_MAX,
  locale: LOCALE_MAX,
  phoneNumber: PHONE_MAX,
  callbackURL: URL_MAX,
  newUserCallbackURL: URL_MAX,
  errorCallbackURL: URL_MAX,
  redirectTo: URL_MAX,
  banReason: BAN_REASON_MAX,
};

/**
 * Parameters of an OAuth callback (query or form): providers send short error codes and descriptions, and
 * better-auth copies `error` into the redirect's `Location`. Everything else (code, state, an id_token posted
 * by Apple's form_post) fits in 8 KB.
 */
const CALLBACK_LIMITS: Readonly<Record<string, number>> = {
  error: 256,
  error_description: 1024,
  error_uri: URL_MAX,
};
const CALLBACK_PARAM_MAX = 8192;

function refuse(field: string, message: string): never {
  throw APIError.from("BAD_REQUEST", { code: "VALIDATION_ERROR", message: `[${field}] ${message}` });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Code points, not UTF-16 units: an emoji counts once. */
const lengthOf = (text: string) => [...text].length;

function checkProfileFields(fields: Record<string, unknown>, prefix: string): void {
  for (const [name, max] of Object.entries(STRING_FIELDS)) {
    const value = fields[name];
    if (value === undefined) continue;
    if (typeof value !== "string") refuse(`${prefix}.${name}`, "Invalid input: expected string");
    if (max !== null && lengthOf(value) > max)
      refuse(`${prefix}.${name}`, `Too long: at most ${max} characters`);
  }
  const image = fields.image;
  if (image === undefined || image === null) return;
  if (typeof image !== "string" || !isValidImage(image)) {
    refuse(`${prefix}.image`, "Invalid input: expected an http(s) URL or an image data URI");
  }
}

/** Where better-auth redirects to after a flow: it accepts a root-relative path or an absolute URL. */
const REDIRECT_FIELDS = ["callbackURL", "newUserCallbackURL", "errorCallbackURL", "redirectTo"] as const;

/**
 * better-auth appends parameters to these with `new URL(value)` when the value does not start with `/`, and
 * that throws (500) on anything that is not an absolute URL: refuse what it cannot parse. Whether the target
 * is trusted stays better-auth's origin check (403 INVALID_CALLBACK_URL).
 */
function checkRedirects(fields: unknown, prefix: string): void {
  if (!isObject(fields)) return;
  for (const name of REDIRECT_FIELDS) {
    const value = fields[name];
    if (typeof value !== "string" || value === "") continue;
    if (value.length > URL_MAX) refuse(`${prefix}.${name}`, `Too long: at most ${URL_MAX} characters`);
    const rootRelative = value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\");
    if (!(rootRelative || (!value.startsWith("/") && URL.canParse(value)))) {
      refuse(`${prefix}.${name}`, "Invalid input: expected an absolute URL or a path starting with /");
    }
  }
}

/** Sign-in paths that take a password: better-auth's own bound counts UTF-16 units (src/auth/index.ts). */
const SIGN_IN_PATHS = new Set(["/sign-in/email", "/sign-in/username", "/sign-in/phone-number"]);

/** A password longer than any that can be set is refused before it is hashed, as better-auth did. */
function checkSignInPassword(body: Record<string, unknown>): void {
  const password = body.password;
  if (typeof password === "string" && lengthOf(password) > PASSWORD_MAX) {
    throw APIError.from("BAD_REQUEST", { code: "PASSWORD_TOO_LONG", message: "Password too long" });
  }
}

function checkBan(body: Record<string, unknown>): void {
  const seconds = body.banExpiresIn;
  if (seconds === undefined || seconds === null) return;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0 || seconds > BAN_MAX_SECONDS) {
    refuse("body.banExpiresIn", `Invalid input: expected seconds from 0 to ${BAN_MAX_SECONDS}`);
  }
}

/** `banExpires` set directly (admin/update-user's `data`): a real date within the same bound. */
function checkBanDate(fields: Record<string, unknown>, prefix: string): void {
  const value = fields.banExpires;
  if (value === undefined || value === null) return;
  const time =
    typeof value === "string" || typeof value === "number" ? new Date(value).getTime() : Number.NaN;
  if (!Number.isFinite(time) || Math.abs(time - Date.now()) > BAN_MAX_SECONDS * 1000) {
    refuse(`${prefix}.banExpires`, "Invalid input: expected a date within 100 years");
  }
}

function checkCallbackParameters(parameters: unknown, prefix: string): void {
  if (!isObject(parameters)) return;
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value !== "string") continue;
    const max = CALLBACK_LIMITS[name] ?? CALLBACK_PARAM_MAX;
    if (value.length > max) refuse(`${prefix}.${name}`, `Too long: at most ${max} characters`);
  }
}

export function inputRules(): BetterAuthPlugin {
  return {
    id: "gatehouse-input-rules",
    hooks: {
      before: [
        {
          matcher: () => true,
          handler: createAuthMiddleware(async (ctx) => {
            if (ctx.path.startsWith("/callback/") || ctx.path.startsWith("/oauth2/callback/")) {
              checkCallbackParameters(ctx.query, "query");
              checkCallbackParameters(ctx.body, "body");
            }
            const body: unknown = ctx.body;
            const ill = illFormedStringPath(body, "body") ?? illFormedStringPath(ctx.query, "query");
            if (ill) refuse(ill, "Invalid input: the text contains a lone UTF-16 surrogate or NUL");
            checkRedirects(ctx.query, "query");
            if (!isObject(body)) return;
            checkProfileFields(body, "body");
            checkRedirects(body, "body");
            if (isObject(body.data)) {
              checkProfileFields(body.data, "body.data");
              checkBanDate(body.data, "body.data");
            }
            if (ctx.path === "/admin/ban-user") checkBan(body);
            if (SIGN_IN_PATHS.has(ctx.path)) checkSignInPassword(body);
          }),
        },
      ],
    },
  };
}
