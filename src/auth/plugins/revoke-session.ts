/**
 * `POST /revoke-session {token}` with better-auth's semantics (end one of the caller's own sessions), in
 * Gatehouse's copy because better-auth's (1.7.25) has two gaps:
 * - it compares the raw session token only, while a bearer client holds the signed form `token.signature` (the
 *   `set-auth-token` header of the bearer plugin, which it also sends as `Authorization: Bearer`): such a revoke
 *   changed nothing;
 * - it answers `{status: true}` whatever happened, so a client cannot tell a revoked session from a mistyped one.
 * Here both forms revoke, and a token that names no session of the caller (unknown, expired and gone, or
 * another user's — not told apart, so nobody learns whether someone else's token exists) is a 404
 * SESSION_NOT_FOUND. Registered under better-auth's endpoint key, so it replaces the built-in route. A session can
 * also be named by its `id` (`{id}`), which is all that session lists show (src/auth/plugins/session-hygiene.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint, sensitiveSessionMiddleware } from "better-auth/api";
import { deleteSessionCookie } from "better-auth/cookies";
import * as z from "zod";

/** Same `{code, message}` form as better-auth's own codes, so `auth.$ERROR_CODES` and i18n see it. */
export const REVOKE_SESSION_ERROR_CODES = {
  SESSION_NOT_FOUND: { code: "SESSION_NOT_FOUND", message: "No session of yours has this token" },
} as const;

function signatureMatches(token: string, signature: string, secret: string): boolean {
  // The signed-cookie form of better-call (which better-auth uses): base64 HMAC-SHA-256 of the raw token.
  const expected = Buffer.from(createHmac("sha256", secret).update(token).digest("base64"));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The raw session token of what a client sent: the raw token itself, or its signed form (possibly still
 * URL-encoded as in the cookie). A signed form whose signature does not verify names no session.
 */
export function rawSessionToken(sent: string, secret: string): string | undefined {
  let value = sent;
  if (value.includes("%")) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  const dot = value.indexOf(".");
  if (dot < 0) return value;
  const token = value.slice(0, dot);
  return signatureMatches(token, value.slice(dot + 1), secret) ? token : undefined;
}

export function revokeSessionPlugin() {
  return {
    id: "gatehouse-revoke-session",
    endpoints: {
      revokeSession: createAuthEndpoint(
        "/revoke-session",
        {
          method: "POST",
          body: z
            .object({
              token: z
                .string()
                .meta({
                  description:
                    "The session token to revoke: as sign-in returned it, or as set-auth-token carries it",
                })
                .optional(),
              // Session lists carry ids, not tokens (session-hygiene.ts): a listed session is revoked by its id.
              id: z
                .string()
                .max(200)
                .meta({ description: "The id of the session, as list-sessions shows it" })
                .optional(),
            })
            .refine((body) => (body.token === undefined) !== (body.id === undefined), {
              message: "Give either token or id",
            }),
          use: [sensitiveSessionMiddleware],
          requireHeaders: true,
          metadata: {
            openapi: {
              description: "Revoke a single session of the caller",
              responses: {
                "200": {
                  description: "The session was revoked",
                  content: {
                    "application/json": {
                      schema: {
                        type: "object",
                        properties: { status: { type: "boolean", enum: [true] } },
                        required: ["status"],
                      },
                    },
                  },
                },
                "404": { description: "SESSION_NOT_FOUND: no session of the caller has this token" },
              },
            },
          },
        },
        async (ctx) => {
          const caller = ctx.context.session;
          const token =
            ctx.body.token !== undefined
              ? rawSessionToken(ctx.body.token, ctx.context.secret)
              : (
                  await ctx.context.adapter.findOne<{ token: string }>({
                    model: "session",
                    where: [{ field: "id", value: ctx.body.id ?? "" }],
                  })
                )?.token;
          const found = token ? await ctx.context.internalAdapter.findSession(token) : null;
          if (!token || !found || found.session.userId !== caller.user.id) {
            throw APIError.from("NOT_FOUND", REVOKE_SESSION_ERROR_CODES.SESSION_NOT_FOUND);
          }
          await ctx.context.internalAdapter.deleteSession(token);
          if (token === caller.session.token) deleteSessionCookie(ctx);
          return ctx.json({ status: true });
        },
      ),
    },
    $ERROR_CODES: REVOKE_SESSION_ERROR_CODES,
  } satisfies BetterAuthPlugin;
}
