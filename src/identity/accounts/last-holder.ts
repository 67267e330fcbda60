/**
 * The guard of src/auth/last-owner-guard.ts refuses, inside the write's transaction, a change that would leave a
 * tenant without an owner or the platform without an active admin (the race the services' own checks cannot
 * close). Its refusal, raised by our writes or by better-auth's adapter, becomes the account service's code.
 */
import { lastHolderRefusal } from "../../auth/last-owner-guard.ts";
import { AccountErrors } from "./errors.ts";

export function asAccountError(error: unknown): unknown {
  const holder = lastHolderRefusal(error);
  if (holder === "owner") return AccountErrors.lastOwner();
  if (holder === "admin") return AccountErrors.lastAdmin();
  return error;
}

/** `operation`, with a guard refusal anywhere in it answered as last_owner / last_admin. */
export function refusingLastHolder<A extends unknown[], R>(
  operation: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args) =>
    operation(...args).catch((error: unknown) => {
      throw asAccountError(error);
    });
}
