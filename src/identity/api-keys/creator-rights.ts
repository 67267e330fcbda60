/**
 * An API key never holds more than the member who created it holds now. A key keeps its granted roles on
 * record, but every request acts with the part of them its creator could still grant (the rule of
 * src/authz/policies/role-grants.cedar: the roles one holds; the owner and platform admins any role). A
 * creator who was demoted takes the key down with them; one who was removed, suspended, banned or deleted
 * leaves it with nothing, and the key no longer authenticates.
 */
import { effectiveRoles } from "../../authz/request.ts";

/** What the creator of a key is, now, in the key's tenant. */
export interface CreatorStanding {
  readonly isPlatformAdmin: boolean;
  /** Its roles as an active member of the key's tenant; null when it is none (removed or suspended). */
  readonly tenantRoles: readonly string[] | null;
}

/** The roles a key acts with: its granted roles, cut down to what its creator holds now. */
export function rolesWithinCreatorRights(
  granted: readonly string[],
  creator: CreatorStanding | null,
): readonly string[] {
  if (!creator) return [];
  if (creator.isPlatformAdmin) return granted;
  const held = new Set(effectiveRoles(creator.tenantRoles ?? []));
  if (held.has("owner") || granted.every((role) => held.has(role))) return granted;
  // A key of `admin` whose creator is now a plain `user` keeps `user` (implied by `admin`), nothing more.
  return effectiveRoles(granted).filter((role) => held.has(role));
}
