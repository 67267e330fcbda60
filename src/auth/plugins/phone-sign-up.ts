/**
 * Sign-up by phone: verifying an SMS code (`POST /phone-number/verify`) for a number no account has creates the
 * account, as Supabase and Logto do — when sign-up is enabled (SIGN_UP_ENABLED). Otherwise the number is
 * refused as unregistered (phone-number.ts) and nothing is created.
 *
 * Sign-up is the better-auth surface's (a request to /api/auth): a dialect that calls verify from the server
 * (Hasura's /v1/login with provider `mobile`, its mobile-password verify-otp) keeps its own contract, where
 * logging in is not signing up, and gets the refusal.
 *
 * better-auth requires an e-mail address on every user; an account made from a phone number gets the reserved
 * placeholder `<id>@users.invalid` (src/platform/mail/index.ts), which every API renders as null and to which
 * no mail is ever sent. better-auth asks for that address before the user exists, so the address picks the new
 * account's id and a database hook gives the account that id.
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import type { Config } from "../../config.ts";
import { isPlaceholderEmail, PLACEHOLDER_EMAIL_DOMAIN } from "../../platform/mail/index.ts";

const VERIFY_PATH = "/phone-number/verify";

/** better-auth's code and message for a number no account has (its PHONE_NUMBER_ERROR_CODES is not exported). */
export const UNREGISTERED_NUMBER = {
  code: "PHONE_NUMBER_NOT_EXIST",
  message: "phone number isn't registered",
} as const;

/** better-auth's phoneNumber option `signUpOnVerification`, or undefined when sign-up is disabled. */
export function phoneSignUpOnVerification(config: Pick<Config, "signUpEnabled">) {
  if (!config.signUpEnabled) return undefined;
  return {
    getTempEmail: () => `${crypto.randomUUID()}@${PLACEHOLDER_EMAIL_DOMAIN}`,
    // No name is known; empty is how every API renders "none" (null), where the number would repeat itself.
    getTempName: () => "",
  };
}

/** The id a placeholder address names, if it is one (`<uuid>@users.invalid`). */
function idOfPlaceholder(email: unknown): string | undefined {
  if (typeof email !== "string" || !isPlaceholderEmail(email)) return undefined;
  const local = email.slice(0, email.indexOf("@"));
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(local) ? local : undefined;
}

export function phoneSignUpPlugin() {
  return {
    id: "gatehouse-phone-sign-up",
    init() {
      return {
        options: {
          databaseHooks: {
            user: {
              create: {
                async before(
                  user: Record<string, unknown>,
                  context: { path?: string; request?: Request } | null,
                ) {
                  if (context?.path !== VERIFY_PATH || user.id !== undefined) return;
                  const id = idOfPlaceholder(user.email);
                  if (!id) return;
                  if (!context.request) throw APIError.from("BAD_REQUEST", UNREGISTERED_NUMBER);
                  return { data: { ...user, id } };
                },
              },
            },
          },
        },
      };
    },
  } satisfies BetterAuthPlugin;
}
