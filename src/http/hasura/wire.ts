/**
 * Translation between Hasura's wire values and the canonical ones: a mobile number with its country code ↔ an
 * E.164 phone number, an account ↔ Hasura's user object, and the JSON Hasura's documentation shows (whose
 * examples carry trailing commas) ↔ a parsed body.
 */
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { isE164 } from "../../auth/plugins/phone-number.ts";
import type { AccountView } from "../../identity/accounts/service.ts";
import { hasuraError } from "./errors.ts";
import type { AuthResponseBody, HasuraUserBody, Provider } from "./model.ts";

/** `("91", "9999999999")` → `+919999999999`; a number that cannot be E.164 is invalid-args. */
export function phoneOf(countryCode: string, mobile: string): string {
  const phone = `+${countryCode.replace(/^\+/, "")}${mobile}`;
  if (!isE164(phone)) throw hasuraError("invalid-args", "invalid mobile number");
  return phone;
}

/** Hasura renders a mobile number as country code and number, digits only: `919999999999`. */
export function mobileOf(phoneNumber: string | null): string | null {
  return phoneNumber ? phoneNumber.replace(/^\+/, "") : null;
}

export function toHasuraUser(account: AccountView, authToken: string | null = null): HasuraUserBody {
  return {
    hasura_id: account.numericId,
    hasura_roles: [...account.globalRoles],
    auth_token: authToken,
    email: account.email,
    mobile: mobileOf(account.phoneNumber),
    username: account.username,
    created: account.createdAt.toISOString(),
    last_login: account.lastLoginAt?.toISOString() ?? null,
    is_active: account.active,
    extra_info: {},
  };
}

/** The answer of signup and login: the token, the ids, and the identifier of the provider used. */
export function toAuthResponse(
  account: AccountView,
  provider: Provider,
  authToken: string | null,
): AuthResponseBody {
  const base = {
    auth_token: authToken,
    hasura_id: account.numericId,
    hasura_roles: [...account.globalRoles],
  };
  if (provider === "username") return { ...base, username: account.username };
  if (provider === "email") return { ...base, email: account.email };
  return { ...base, mobile: mobileOf(account.phoneNumber) };
}

/**
 * JSON that may carry a trailing comma before `}` or `]`, as in the request examples of Hasura's documentation.
 * Anything else that is not JSON (comments included, which jsonc-parser would also skip) is an error.
 */
export function parseLenientJson(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: true });
  const [first] = errors;
  if (first) throw new SyntaxError(`${printParseErrorCode(first.error)} at offset ${first.offset}`);
  return value;
}
