/**
 * Rules about sessions that better-auth leaves to the application (ASVS 7):
 * - a password change ends the user's other sessions unless the caller asks to keep them (`revokeOtherSessions`
 *   defaults to true; better-auth's default is false), so a thief's session does not survive the fix (7.4.3);
 * - session lists (`/list-sessions`, `/admin/list-user-sessions`) carry no session tokens: a token is a bearer
 *   credential, and a list handed it out for every session of the user, the impersonated user's included. A
 *   session is named by its `id` there (POST /revoke-session takes it);
 * - an impersonation session ends one hour after it began, whatever happens: better-auth's get-session would
 *   otherwise slide its expiry to the ordinary 7 days on its first refresh.
 */
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";

/** Impersonation is a support tool, not a way to live as another user: an hour is enough for a support case. */
export const IMPERSONATION_SESSION_SECONDS = 60 * 60;

const SESSION_LISTS = new Set(["/list-sessions", "/admin/list-user-sessions"]);

interface SessionRow {
  token?: string;
  createdAt?: Date | string | number;
  expiresAt?: Date | string | number;
  impersonatedBy?: string | null;
}

function withoutToken<T extends object>(session: T): Omit<T, "token"> {
  const { token: _token, ...rest } = session as T & { token?: unknown };
  return rest;
}

/** The latest moment an impersonation session may last to, or null for an ordinary session. */
function impersonationEnd(session: SessionRow): Date | null {
  if (!session.impersonatedBy || session.createdAt === undefined) return null;
  return new Date(new Date(session.createdAt).getTime() + IMPERSONATION_SESSION_SECONDS * 1000);
}

export function sessionHygienePlugin() {
  let internalAdapter: { updateSession(token: string, data: { expiresAt: Date }): Promise<unknown> } | null =
    null;
  return {
    id: "gatehouse-session-hygiene",
    init(ctx) {
      internalAdapter = ctx.internalAdapter;
      return {
        options: {
          databaseHooks: {
            session: {
              update: {
                after: async (session: SessionRow) => {
                  const end = impersonationEnd(session);
                  if (!end || session.expiresAt === undefined || !session.token) return;
                  if (new Date(session.expiresAt).getTime() <= end.getTime()) return;
                  // Put the end back, in storage and in the object the caller goes on with (the cookie and the
                  // get-session answer are made from it).
                  session.expiresAt = end;
                  await internalAdapter?.updateSession(session.token, { expiresAt: end });
                },
              },
            },
          },
        },
      };
    },
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === "/change-password",
          handler: createAuthMiddleware(async (ctx) => {
            const body = ctx.body as Record<string, unknown> | undefined;
            if (!body || typeof body !== "object" || body.revokeOtherSessions !== undefined) return;
            return { context: { body: { ...body, revokeOtherSessions: true } } };
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => SESSION_LISTS.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned;
            if (Array.isArray(returned)) return ctx.json(returned.map(withoutToken));
            const sessions = (returned as { sessions?: unknown } | null)?.sessions;
            if (Array.isArray(sessions))
              return ctx.json({ ...(returned as object), sessions: sessions.map(withoutToken) });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
