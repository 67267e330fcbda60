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

/**
 * better-auth routes that write several rows without a transaction of their own: 1.7.25's /organization/create
 * inserts the organization, then the creator's owner membership — a failure or a crash between the two left a
 * tenant without an owner, which nobody could repair.
 */
const MULTI_ROW_ROUTES = new Set(["/api/auth/organization/create"]);

/** An error answer, carried out of the transaction so that it rolls back. */
class RolledBack extends Error {
  constructor(readonly response: Response) {
    super("rolled back");
  }
}

/**
 * `auth.handler`, in one transaction for the routes of MULTI_ROW_ROUTES. better-auth turns a failure into an
 * error response rather than a throw, so any answer of 400 or more rolls the transaction back.
 */
export async function handleAuthRequest(auth: Auth, request: Request): Promise<Response> {
  if (request.method !== "POST" || !MULTI_ROW_ROUTES.has(new URL(request.url).pathname)) {
    return auth.handler(request);
  }
  try {
    return await inAuthTransaction(auth, async () => {
      const response = await auth.handler(request);
      if (response.status >= 400) throw new RolledBack(response);
      return response;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.response;
    throw error;
  }
}
