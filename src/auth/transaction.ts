/**
 * One transaction around several of better-auth's writes and the identity core's own (create-user with its
 * membership and roles): better-auth's runWithTransaction, so that its routes called inside (auth.api.*) join it
 * and queue their after-commit work until it commits, and so that the core's queries through db.kysely reach it
 * (src/platform/db/transaction-scope.ts). Inside a transaction already, it joins that one.
 */
import { runWithTransaction } from "@better-auth/core/context";
import type { Auth } from "./index.ts";

export async function inAuthTransaction<T>(auth: Auth, work: () => Promise<T>): Promise<T> {
  const context = await auth.$context;
  return runWithTransaction(context.adapter, work);
}
