/**
 * Every account belongs to the `default` tenant, however better-auth created it (e-mail, username, social/OIDC,
 * phone sign-up, admin create-user): after the user row is written, the identity core adds the membership
 * (AuthDeps.onAccountCreated, wired in src/deps.ts). Without it, /api/auth sign-ups were missing from GET
 * /v1/users.
 */
import type { AuthDeps } from "./deps.ts";

export function membershipHooks({ onAccountCreated, logger }: Pick<AuthDeps, "onAccountCreated" | "logger">) {
  if (!onAccountCreated) return {};
  return {
    user: {
      create: {
        async after(user: { id: string }) {
          // The account exists already; a failed membership is repaired by the start-up backfill (src/deps.ts).
          await onAccountCreated(user.id).catch((error: unknown) =>
            logger.error({ err: error, userId: user.id }, "could not add the account to the default tenant"),
          );
        },
      },
    },
  };
}
