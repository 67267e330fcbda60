/**
 * One live reset link per account (issue item 10): issuing a new one deletes the earlier ones, so a link left in
 * an old mail (a shared inbox, a forwarded message) stops working once the user asks again. better-auth stores a
 * reset link as the verification row `reset-password:<token>` whose value is the user id
 * (node_modules/better-auth/dist/api/routes/password.mjs); the database is the store (verification.storeInDatabase).
 */
import type { Db } from "../platform/db/index.ts";

const RESET_PREFIX = "reset-password:";

export async function revokeEarlierResetLinks(db: Db, userId: string, keepToken: string): Promise<void> {
  await db.kysely
    .deleteFrom("verification")
    .where("value", "=", userId)
    .where("identifier", "like", `${RESET_PREFIX}%`)
    .where("identifier", "!=", `${RESET_PREFIX}${keepToken}`)
    .execute();
}
