/**
 * The role catalogue of a Gatehouse tenant (= a better-auth organization): `owner`, `admin`, `user`. better-auth
 * calls the least-privileged role `member`; Gatehouse calls it `user`, with the same permissions. Shared by the
 * server plugin and by clients (`organizationClient({ ac, roles })`) so both agree on role names and rights.
 */
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";

/** Resources and actions a tenant role can be granted (better-auth's set: organization, member, invitation, …). */
export const tenantAc = createAccessControl(defaultStatements);

export const tenantRoles = {
  /** Everything, including deleting the tenant; only an owner can make or remove another owner. */
  owner: tenantAc.newRole(ownerAc.statements),
  /** Runs the tenant's members and invitations; cannot delete the tenant. */
  admin: tenantAc.newRole(adminAc.statements),
  /** An ordinary member: reads the tenant, changes nothing in it. */
  user: tenantAc.newRole(memberAc.statements),
};

export type TenantRole = keyof typeof tenantRoles;

export const TENANT_ROLES = Object.keys(tenantRoles) as readonly TenantRole[];

/** Given to the creator of a tenant. */
export const CREATOR_ROLE: TenantRole = "owner";
/** Given to invited and added members when no role is named. */
export const DEFAULT_MEMBER_ROLE: TenantRole = "user";

export function isTenantRole(role: string): role is TenantRole {
  return Object.hasOwn(tenantRoles, role);
}

/**
 * Other names a client may send for a tenant role: `member`, the role name better-auth's own client and docs
 * use, is Gatehouse's `user` (same permissions) and is stored as `user`.
 */
const ROLE_ALIASES: Readonly<Record<string, TenantRole>> = { member: "user" };

/** The catalogue name of a role as a client sent it (`member` → `user`); other names are returned unchanged. */
export function tenantRoleName(role: string): string {
  return Object.hasOwn(ROLE_ALIASES, role) ? (ROLE_ALIASES[role] as TenantRole) : role;
}
