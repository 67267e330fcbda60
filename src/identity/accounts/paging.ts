/** The opaque cursor of /v1 lists, and role-set arithmetic of the account service. */
import { V1Errors } from "../errors.ts";
import type { ListFilter } from "./queries.ts";
import type { TenantUserView } from "./view.ts";

/** The largest page: enough for an admin screen, small enough to keep one request cheap. */
export const LIST_LIMIT_MAX = 200;

export function encodeCursor(user: TenantUserView): string {
  return Buffer.from(JSON.stringify([user.createdAt.toISOString(), user.id])).toString("base64url");
}

export function decodeCursor(cursor: string): ListFilter["cursor"] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id === "string" && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // fall through: an unreadable cursor is the caller's error
  }
  throw V1Errors.invalidRequest("The cursor is not valid", { field: "cursor" });
}

export function uniqueRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.map((role) => role.trim()).filter(Boolean))];
}

/** Roles added or removed by a change: what "grant only roles you hold" is checked against. */
export function changedRoles(before: readonly string[], after: readonly string[]): string[] {
  return [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
}

export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return changedRoles(a, b).length === 0;
}
