/**
 * Tells the rest of Gatehouse when every session of a user ends, whichever route or service ends them, so that
 * the OpenID Provider ends that user's provider sessions, grants and refresh tokens too (src/deps.ts wires it to
 * src/http/oidc/adapter.ts revokeAccount; auth cannot import the http layer).
 *
 * Every such path goes through one method of better-auth's internal adapter, `deleteUserSessions`: better-auth's
 * /revoke-sessions, /admin/revoke-user-sessions, /admin/ban-user, /admin/remove-user, /admin/set-user-password,
 * a password reset (`revokeSessionsOnPasswordReset`), /change-password with `revokeOtherSessions` (it ends them
 * all and opens a new one for the caller), /delete-user, and the identity core's own (/v1 and the Hasura
 * dialect's "end sessions", a deactivation, a global role change: src/identity/accounts/platform.ts, writes.ts).
 * Wrapping that one method, rather than hooking each route, means a new route cannot forget the provider.
 * better-auth builds its internal adapter after the plugins' `init`, so no plugin can reach the final one; the
 * wrap is applied to the built context instead.
 *
 * Signing out of one browser (`deleteSession`) is not one of them: it ends single sign-on in that browser (the
 * login check of src/http/oidc/provider.ts) but keeps the refresh tokens, since offline access is meant to outlive
 * a sign-out (OpenID Connect Core 1.0, section 11).
 *
 * /revoke-other-sessions (and the Hasura password change built on it, src/identity/accounts/credentials.ts)
 * ends the sessions one by one through `deleteSession`; `otherSessionsEndedHook` covers it.
 *
 * Why the caller's own grants end too, when only the *other* sessions end (a password change, "sign out other
 * devices"): the provider's grants and refresh tokens cannot be told apart by the Gatehouse session that was
 * signed in when they were granted (oidc-provider keeps its own session cookie), and the point of ending the
 * other sessions is that someone else may hold the password — a refresh token they obtained must not outlive it.
 * The caller's browser keeps its Gatehouse session, so its next authorization goes through without a sign-in page
 * (prompt=none alone answers login_required once: it needs the provider's own session, which ended too).
 */
import { createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";

export type OnSessionsEnded = (userId: string) => Promise<void>;

// Marks an internal adapter already wrapped: a second wrap would call `onEnded` twice.
const WRAPPED = Symbol("gatehouse.sessionsEndedSignal");

interface SessionEnder {
  deleteUserSessions(userId: string): Promise<unknown>;
}

/** Makes `internalAdapter.deleteUserSessions` call `onEnded` once the sessions are gone. Applied once. */
export function signalWhenAllSessionsEnd(internalAdapter: SessionEnder, onEnded: OnSessionsEnded): void {
  const marked = internalAdapter as SessionEnder & { [WRAPPED]?: true };
  if (marked[WRAPPED]) return;
  const deleteUserSessions = internalAdapter.deleteUserSessions.bind(internalAdapter);
  marked.deleteUserSessions = async (userId) => {
    const result = await deleteUserSessions(userId);
    await onEnded(userId);
    return result;
  };
  marked[WRAPPED] = true;
}

/** The after-hook of /revoke-other-sessions: the caller's other sessions ended one by one. */
export function otherSessionsEndedHook(onEnded: OnSessionsEnded) {
  return {
    matcher: (ctx: { path?: string }) => ctx.path === "/revoke-other-sessions",
    handler: createAuthMiddleware(async (ctx) => {
      if (isAPIError(ctx.context.returned)) return;
      // The caller's session is kept by the route, so it can still be read when the middleware's is not at hand.
      const session = ctx.context.session ?? (await getSessionFromCtx(ctx).catch(() => null));
      if (session?.user.id) await onEnded(session.user.id);
    }),
  };
}
