/**
 * Hooks around better-auth's credential handling: re-hash imported or outdated password hashes on the next
 * successful sign-in, record when a user last signed in, and refuse a request body that is not a JSON object
 * before any plugin hook reads it.
 */
import { defineRequestState } from "@better-auth/core/context";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { compiledOnce } from "../platform/db/prepared.ts";
import { dateParam } from "../platform/db/values.ts";
import type { AuthDeps } from "./deps.ts";

/** Endpoints that verify a password and, on success, open a session. */
const PASSWORD_SIGN_IN_PATHS = new Set(["/sign-in/email", "/sign-in/username", "/sign-in/phone-number"]);

export function credentialHooks({ db, logger }: Pick<AuthDeps, "db" | "logger">) {
  // The one statement recording a sign-in, compiled once: `lastLoginAt` and `updatedAt` (better-auth's
  // updateUser set both), by id. Building it per sign-in, or going through updateUser (hooks, `returning *`, the
  // output transform), was a large share of a sign-in's main-thread work.
  const recordSignIn = compiledOnce(db, (kysely, param) =>
    kysely
      .updateTable("user")
      .set({ lastLoginAt: param(0), updatedAt: param(0) })
      .where("id", "=", param(1)),
  );
  return {
    session: {
      create: {
        // Before the session is stored: better-auth then copies the user row, this sign-in's lastLoginAt
        // included, into the new session's cache entry. Written here directly rather than through
        // better-auth's updateUser, which also re-wrote the cache entry of every other live session of the user
        // (a read, a parse and a write each, up to MAX_SESSIONS_PER_USER of them per sign-in); those entries
        // keep the lastLoginAt of their own sign-in, and the database (every /v1 and admin read) has the newest.
        // better-auth runs the app's database hooks after every plugin's, so a session a plugin refuses (the
        // admin plugin's ban check) records nothing.
        async before(session: { userId: string; impersonatedBy?: unknown }) {
          // An admin acting as the user is not the user signing in.
          if (session.impersonatedBy) return;
          await db.kysely
            .executeQuery(recordSignIn(dateParam(db.dialect, new Date()), session.userId))
            .catch((error: unknown) => logger.warn({ err: error }, "could not record lastLoginAt"));
        },
      },
    },
  };
}

/**
 * Set, within one better-auth call, when the password just verified matched a stored hash that needs upgrading:
 * the sign-in's after hook then re-hashes, and every other sign-in (the hash is current) skips the look-up of
 * the credential account it would otherwise make.
 */
const verifiedOutdatedHash = defineRequestState<boolean>(() => false);

/**
 * better-auth's password `verify` option: the hasher's verification, noting an outdated stored hash that
 * matched (for rehashAfterSignIn). Outside a better-auth call (no request state) nothing is noted.
 */
export function verifyNotingOutdated({ passwords }: Pick<AuthDeps, "passwords">) {
  return async ({ hash, password }: { hash: string; password: string }): Promise<boolean> => {
    const ok = await passwords.verify(hash, password);
    if (ok && passwords.needsRehash(hash)) await verifiedOutdatedHash.set(true).catch(() => undefined);
    return ok;
  };
}

export function rehashAfterSignIn({ passwords, logger }: Pick<AuthDeps, "passwords" | "logger">) {
  return createAuthMiddleware(async (ctx) => {
    if (!PASSWORD_SIGN_IN_PATHS.has(ctx.path)) return;
    const userId = ctx.context.newSession?.user.id;
    const password = (ctx.body as { password?: unknown } | undefined)?.password;
    if (!userId || typeof password !== "string") return;
    if (!(await verifiedOutdatedHash.get().catch(() => false))) return;
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
