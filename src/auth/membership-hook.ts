/**
 * Every account belongs to the `default` tenant, however better-auth created it (e-mail, username, social/OIDC,
 * phone sign-up, admin create-user): after the user row is written, the identity core adds the membership
 * (AuthDeps.onAccountCreated, wired in src/deps.ts). Without it, /api/auth sign-ups were missing from GET
 * /v1/users.
 */
import type { BetterAuthOptions } from "better-auth";
import type { AuthDeps } from "./deps.ts";

type DatabaseHooks = NonNullable<BetterAuthOptions["databaseHooks"]>;

/** `hooks` plus the membership step after every user creation (after any user.create.after already there). */
export function withDefaultMembership(
  hooks: DatabaseHooks,
  { onAccountCreated, logger }: Pick<AuthDeps, "onAccountCreated" | "logger">,
): DatabaseHooks {
  if (!onAccountCreated) return hooks;
  const previous = hooks.user?.create?.after;
  return {
    ...hooks,
    user: {
      ...hooks.user,
      create: {
        ...hooks.user?.create,
        async after(user, context) {
          await previous?.(user, context);
          // The account exists already; a failed membership is repaired by the start-up backfill (src/deps.ts).
          await onAccountCreated(user.id).catch((error: unknown) =>
            logger.error({ err: error, userId: user.id }, "could not add the account to the default tenant"),
          );
        },
      },
    },
  };
}
