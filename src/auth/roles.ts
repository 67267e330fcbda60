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
