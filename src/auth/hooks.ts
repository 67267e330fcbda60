/**
 * Hooks around better-auth's credential handling: re-hash imported or outdated password hashes on the next
 * successful sign-in, and record when a user last signed in.
 */
import { createAuthMiddleware } from "better-auth/api";
import type { AuthDeps } from "./index.ts";

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
