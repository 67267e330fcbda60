/** The account service's writes that every API shares: activation and deletion of an account. */
import type { Auth } from "../../auth/index.ts";
import type { Db } from "../../platform/db/index.ts";
import type { UserStatus } from "./status.ts";

export function createAccountWrites(deps: { auth: Auth; db: Db }) {
  const { auth } = deps;
  const internal = async () => (await auth.$context).internalAdapter;
  return {
    /**
     * Activation of the account, the same whichever API asks: an inactive account is banned (better-auth then
     * refuses its sign-ins) and signed out everywhere at once.
     */
    async setActive(id: string, active: boolean, status?: UserStatus): Promise<void> {
      const adapter = await internal();
      if (active) {
        await adapter.updateUser(id, {
          banned: false,
          banReason: null,
          banExpires: null,
          status: status ?? "active",
        });
        return;
      }
      await adapter.updateUser(id, { banned: true, banReason: "deactivated", status: status ?? "disabled" });
      await adapter.deleteUserSessions(id);
    },

    /**
     * The account, its sessions, credentials and every membership. The user row goes first, in one guarded
     * statement (its sessions, credentials and memberships follow by cascade): refused as the last owner of a
     * tenant or the last active admin (src/auth/last-owner-guard.ts), it leaves the account whole. The cached
     * sessions are dropped after.
     */
    async remove(id: string): Promise<void> {
      const ctx = await auth.$context;
      await ctx.adapter.delete({ model: "user", where: [{ field: "id", value: id }] });
      await ctx.internalAdapter.deleteUserSessions(id);
    },
  };
}
