/**
 * Who may read operational detail or operate the cache: a platform admin (global role `admin`, by session
 * cookie or Bearer session token), or — for read-only health detail — the HEALTH_TOKEN of a monitoring system.
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { Auth } from "../../../auth/index.ts";
import { parseRoles } from "../../../auth/roles.ts";
import { OpsAccessErrors } from "./errors.ts";

export const PLATFORM_ADMIN_ROLE = "admin";

export interface GuardDeps {
  readonly auth: Auth;
  /** When set, `Authorization: Bearer <token>` with this value is accepted too. */
  readonly healthToken?: string | undefined;
}

/** Throws 401 `unauthenticated` without a valid credential, 403 `forbidden` for a signed-in non-admin. */
export async function requirePlatformAdmin(deps: GuardDeps, headers: Headers): Promise<void> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer !== undefined && deps.healthToken !== undefined && sameSecret(bearer, deps.healthToken)) return;
  const session = await deps.auth.api.getSession({ headers }).catch(() => null);
  if (!session) throw OpsAccessErrors.unauthenticated({ message: "Sign in as a platform admin" });
  if (!parseRoles((session.user as { role?: unknown }).role).includes(PLATFORM_ADMIN_ROLE)) {
    throw OpsAccessErrors.forbidden({ message: "Only platform admins may do this" });
  }
}

/** Constant-time comparison that also hides the length of the secret (both sides are hashed first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
