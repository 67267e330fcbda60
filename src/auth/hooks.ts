/**
 * Hooks around better-auth's credential handling: re-hash imported or outdated password hashes on the next
 * successful sign-in, record when a user last signed in, and refuse a request body that is not a JSON object
 * before any plugin hook reads it.
 */
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { AuthDeps } from "./deps.ts";

/** Endpoints that verify a password and, on success, open a session. */
const PASSWORD_SIGN_IN_PATHS = new Set(["/sign-in/email", "/sign-in/username", "/sign-in/phone-number"]);

export function credentialHooks({ logger }: Pick<AuthDeps, "logger">) {
  return {
    session: {
      create: {
        async after(session: { userId: string; impersonatedBy?: unknown }, context: unknown) {
          // An admin acting as the user is not the user signing in.
          if (session.impersonatedBy) return;
          const internal = (context as { context?: { internalAdapter?: InternalAdapterLike } } | null)
            ?.context?.internalAdapter;
          if (!internal) return;
          await internal
            .updateUser(session.userId, { lastLoginAt: new Date() })
            .catch((error: unknown) => logger.warn({ err: error }, "could not record lastLoginAt"));
        },
      },
    },
  };
}

interface InternalAdapterLike {
  updateUser(userId: string, data: Record<string, unknown>): Promise<unknown>;
}

export function rehashAfterSignIn({ passwords, logger }: Pick<AuthDeps, "passwords" | "logger">) {
  return createAuthMiddleware(async (ctx) => {
    if (!PASSWORD_SIGN_IN_PATHS.has(ctx.path)) return;
    const userId = ctx.context.newSession?.user.id;
    const password = (ctx.body as { password?: unknown } | undefined)?.password;
    if (!userId || typeof password !== "string") return;
    const account = await ctx.context.internalAdapter.findCredentialAccount(userId);
    if (!account?.password || !passwords.needsRehash(account.password)) return;
    try {
      await ctx.context.internalAdapter.updateAccount(account.id, {
        password: await passwords.hash(password),
      });
    } catch (error) {
      // The sign-in already succeeded; the old hash keeps working and the next sign-in tries again.
      logger.warn({ err: error }, "could not upgrade a password hash");
    }
  });
}

/** Endpoints whose plugin hooks (username) read `ctx.body.<field>` before the body is validated. */
const BODY_REQUIRED_PATHS = new Set(["/sign-up/email", "/update-user"]);

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every better-auth body schema is an object, but plugin before-hooks run ahead of validation and dereference
 * the body: an empty, `null` or string body made them throw, which came out as a 500. Answer such bodies with
 * the 400 that validation would have given. Runs first, since better-auth runs the user hook before plugins'.
 */
export const requireObjectBody = createAuthMiddleware(async (ctx) => {
  checkPaging(ctx.query);
  const body: unknown = ctx.body;
  if (body === undefined ? !BODY_REQUIRED_PATHS.has(ctx.path) : isPlainObject(body)) return;
  throw APIError.from("BAD_REQUEST", {
    code: "VALIDATION_ERROR",
    message: "[body] Invalid input: expected object",
  });
});

/** Paging parameters that better-auth passes to SQL unchecked; PostgreSQL rejects a negative OFFSET with a 500. */
const PAGING_PARAMETERS = ["limit", "offset", "membersLimit"] as const;

function checkPaging(query: unknown): void {
  if (!isPlainObject(query)) return;
  for (const name of PAGING_PARAMETERS) {
    const value = (query as Record<string, unknown>)[name];
    if (value === undefined || value === "") continue;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) {
      throw APIError.from("BAD_REQUEST", {
        code: "VALIDATION_ERROR",
        message: `[query.${name}] Invalid input: expected a non-negative integer`,
      });
    }
  }
}
