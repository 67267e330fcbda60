/**
 * Records how an account signs in (`user.authProvider`, src/auth/index.ts): an account that comes into being
 * through an external identity provider — a generic OIDC provider (social.ts), a built-in social provider such
 * as Google, or Google One Tap (one-tap.ts) — is `oidc`; every other one keeps the default `local`.
 *
 * The contract's vocabulary (`auth_provider` of /v1/users: local, oidc, saml) has no separate word for OAuth 2.0
 * social providers, and `local` promises a password the account does not have; so they count as `oidc`.
 * An existing account that later links a provider keeps its value: it still has its own password (or was
 * created as `oidc` already, by POST /v1/users).
 *
 * The field is not client input (`input: false`), so provider profiles cannot set it; a database hook on user
 * creation sets it from the endpoint that creates the user. A plugin's `init` contributes the hook, which leaves
 * the instance's own `databaseHooks` to the other hooks.
 */
import type { BetterAuthPlugin } from "better-auth";

/** Endpoints that create a user only from an external provider's identity. */
const FEDERATED_SIGN_IN_PATHS = new Set([
  // The redirect back from a social or generic OIDC provider (GET, or POST with response_mode=form_post).
  "/callback/:id",
  // Sign-in with a provider's ID token (`idToken` in the body); without one this endpoint creates nobody.
  "/sign-in/social",
  "/one-tap/callback",
]);

const FEDERATED_AUTH_PROVIDER = "oidc";

export function authProviderPlugin() {
  return {
    id: "gatehouse-auth-provider",
    init() {
      return {
        options: {
          databaseHooks: {
            user: {
              create: {
                async before(user: Record<string, unknown>, context: { path?: string } | null) {
                  if (!FEDERATED_SIGN_IN_PATHS.has(context?.path ?? "")) return;
                  return { data: { ...user, authProvider: FEDERATED_AUTH_PROVIDER } };
                },
              },
            },
          },
        },
      };
    },
  } satisfies BetterAuthPlugin;
}
