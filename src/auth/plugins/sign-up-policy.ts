/**
 * The sign-up policy (SIGN_UP_ENABLED=false) on every path that would create an account through better-auth:
 * one `user.create.before` hook, so no path can forget it — the OAuth callback of every social and generic
 * OIDC provider, `/sign-in/social` with an ID token, One Tap (one-tap.ts), and any plugin enabled later.
 * better-auth's own switches still answer first where they cover a whole route (`emailAndPassword.disableSignUp`
 * for /sign-up/email, phone-sign-up.ts leaving `signUpOnVerification` off); this hook is what makes the policy
 * hold everywhere else. It only refuses creating a user: existing accounts keep signing in and linking
 * providers.
 *
 * Not a sign-up: an administrator creating an account (`/admin/create-user`, which the admin plugin allows only
 * to admins, and which the identity core and the bootstrap call from the server), and server code creating a
 * user outside any endpoint.
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import type { Config } from "../../config.ts";

const ADMIN_CREATE_PATH = "/admin/create-user";
/** better-auth puts the code of an error thrown during the OAuth callback into the redirect (`?error=`). */
const OAUTH_CALLBACK_PATH = "/callback/:id";

const MESSAGE = "Sign-up is disabled";

export const SIGN_UP_POLICY_ERROR_CODES = {
  SIGN_UP_DISABLED: { code: "SIGN_UP_DISABLED", message: MESSAGE },
} as const;

/**
 * The refusal where it lands: in an OAuth callback, better-auth's own redirect code for a refused sign-up
 * (`?error=signup_disabled`, as its per-provider `disableSignUp` answers); elsewhere `{code, message}` with
 * better-auth's status for a refused sign-up (400, as /sign-up/email's EMAIL_PASSWORD_SIGN_UP_DISABLED).
 */
function refusal(path: string | undefined): APIError {
  if (path === OAUTH_CALLBACK_PATH)
    return APIError.from("BAD_REQUEST", { code: "signup_disabled", message: MESSAGE });
  return APIError.from("BAD_REQUEST", SIGN_UP_POLICY_ERROR_CODES.SIGN_UP_DISABLED);
}

export function signUpPolicyPlugin(config: Pick<Config, "signUpEnabled">) {
  return {
    id: "gatehouse-sign-up-policy",
    init() {
      return {
        options: {
          databaseHooks: {
            user: {
              create: {
                async before(_user: Record<string, unknown>, context: { path?: string } | null) {
                  if (config.signUpEnabled || !context || context.path === ADMIN_CREATE_PATH) return;
                  throw refusal(context.path);
                },
              },
            },
          },
        },
      };
    },
    $ERROR_CODES: SIGN_UP_POLICY_ERROR_CODES,
  } satisfies BetterAuthPlugin;
}
