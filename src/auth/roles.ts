/** How better-auth stores who a user is allowed to be: read in one place for every module. */

/** A user's global roles and a member's tenant roles are each one comma-separated string. */
export function parseRoles(value: unknown): string[] {
  return typeof value === "string"
    ? value
        .split(",")
        .map((role) => role.trim())
        .filter(Boolean)
    : [];
}

/** A ban without an expiry lasts until it is lifted; one with an expiry ends by itself. */
export function isBanActive(user: { banned?: unknown; banExpires?: unknown }, now = Date.now()): boolean {
  if (!user.banned) return false;
  if (!user.banExpires) return true;
  return new Date(user.banExpires as string | Date).getTime() > now;
}

/** The global role of platform administrators (better-auth's admin plugin `adminRoles`). */
export const PLATFORM_ADMIN_ROLE = "admin";

/** The one test of "is a platform administrator", for every module and API. */
export function isPlatformAdminRoles(globalRoles: readonly string[]): boolean {
  return globalRoles.includes(PLATFORM_ADMIN_ROLE);
}
