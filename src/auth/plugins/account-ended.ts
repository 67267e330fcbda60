/**
 * Tells the rest of Gatehouse when an account's standing ends: a ban (the user row updated to `banned`) or a
 * deletion (the row gone), whichever route or service did it — both go through better-auth's internal adapter,
 * whose database hooks fire here. The OpenID Provider then drops the account's grants and refresh tokens
 * (src/http/oidc/adapter.ts revokeAccount, wired in src/deps.ts; auth cannot import the http layer).
 *
 * A deletion is seen on the credential rows too: the last-owner guard (src/auth/last-owner-guard.ts) deletes the
 * user row during better-auth's credential step, so the later user-row step finds nothing and fires no hook.
 * A credential deleted while its user is gone therefore also ends the account (an unlinked one does not).
 *
 * The same callback runs when the user's other sessions are ended by /revoke-other-sessions (sessions-ended.ts
 * says why their provider grants end with them); every other way of ending all of a user's sessions is caught
 * below the routes, by `signalWhenAllSessionsEnd` (src/deps.ts).
 */
import type { BetterAuthPlugin } from "better-auth";
import { otherSessionsEndedHook } from "./sessions-ended.ts";

export type OnAccountEnded = (userId: string) => Promise<void>;

interface UserRow {
  id?: string;
  banned?: boolean | null;
}

interface CredentialRow {
  userId?: string;
}

interface UserLookup {
  findUserById(id: string): Promise<unknown>;
}

export function accountEndedPlugin(onAccountEnded: OnAccountEnded) {
  const ended = async (user: UserRow) => {
    if (user.id) await onAccountEnded(user.id);
  };
  let users: UserLookup | null = null;
  return {
    id: "gatehouse-account-ended",
    init(ctx) {
      users = ctx.internalAdapter;
      return {
        options: {
          databaseHooks: {
            user: {
              update: {
                after: async (user: UserRow) => {
                  if (user.banned) await ended(user);
                },
              },
              delete: { after: ended },
            },
            account: {
              delete: {
                after: async (credential: CredentialRow) => {
                  if (!credential.userId || !users) return;
                  if (!(await users.findUserById(credential.userId))) await onAccountEnded(credential.userId);
                },
              },
            },
          },
        },
      };
    },
    hooks: { after: [otherSessionsEndedHook(onAccountEnded)] },
  } satisfies BetterAuthPlugin;
}
