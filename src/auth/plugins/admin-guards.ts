/**
 * Closes two gaps of better-auth's admin plugin (1.7.25) without re-implementing it:
 * - `/admin/create-user` checks only the maximum password length, so an admin could create an account whose
 *   password every other endpoint (sign-up, reset, set-user-password) would refuse as too short.
 * - `/admin/stop-impersonating` answers 500 when the signed `admin_session` cookie set by impersonate-user is
 *   missing or its session is gone (a bearer-only client, or the admin's session was revoked meanwhile), and
 *   400 without a `code` when the caller is not impersonating. Both are the caller's state, not a server fault.
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";

/** Same `{code, message}` form as better-auth's own codes, so `auth.$ERROR_CODES` and i18n see them. */
export const ADMIN_GUARD_ERROR_CODES = {
  // Same code and message as better-auth's, so a client sees one answer whichever endpoint refused.
  PASSWORD_TOO_SHORT: { code: "PASSWORD_TOO_SHORT", message: "Password too short" },
  NOT_IMPERSONATING: { code: "NOT_IMPERSONATING", message: "You are not impersonating anyone" },
  ADMIN_SESSION_NOT_FOUND: {
    code: "ADMIN_SESSION_NOT_FOUND",
    message: "The admin session to return to was not found; sign in again",
  },
} as const;

export function adminGuards() {
  return {
    id: "gatehouse-admin-guards",
    hooks: {
      before: [
        {
          matcher: (context) => context.path === "/admin/create-user",
          handler: createAuthMiddleware(async (ctx) => {
            const password = (ctx.body as { password?: unknown } | undefined)?.password;
            // An empty or absent password means "no credential account" in better-auth; only a given one is checked.
            if (typeof password !== "string" || password === "") return;
            if (password.length < ctx.context.password.config.minPasswordLength) {
              throw APIError.from("BAD_REQUEST", ADMIN_GUARD_ERROR_CODES.PASSWORD_TOO_SHORT);
            }
          }),
        },
      ],
      after: [
        {
          matcher: (context) => context.path === "/admin/stop-impersonating",
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned;
            if (!isAPIError(returned)) return;
            if (returned.statusCode >= 500) {
              const error = APIError.from("BAD_REQUEST", ADMIN_GUARD_ERROR_CODES.ADMIN_SESSION_NOT_FOUND);
              // Over HTTP the endpoint's 500 status would survive a thrown error (better-call keeps the status
              // of the first outcome), so answer with a whole Response; server-side calls get the error.
              if (!ctx.request) throw error;
              return Response.json(error.body, { status: error.statusCode });
            }
            if (returned.statusCode === 400 && !returned.body?.code) {
              throw APIError.from("BAD_REQUEST", ADMIN_GUARD_ERROR_CODES.NOT_IMPERSONATING);
            }
          }),
        },
      ],
    },
    $ERROR_CODES: ADMIN_GUARD_ERROR_CODES,
  } satisfies BetterAuthPlugin;
}
