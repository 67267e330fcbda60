/**
 * The canonical view of a user, read from better-auth's `user` row: what every API dialect renders from. Users
 * without an e-mail carry a reserved placeholder address (better-auth requires one); it is `null` here. The
 * status and the `active` flag come from status.ts, the one definition every API and every list filter uses.
 */
import { isPlatformAdminRoles, parseRoles } from "../../auth/roles.ts";
import { toDate } from "../../platform/db/values.ts";
import { isPlaceholderEmail, PLACEHOLDER_EMAIL_DOMAIN } from "../../platform/mail/index.ts";
import {
  accountStatus,
  isActive,
  type MemberStatus,
  memberStatus,
  statusInTenant,
  type UserStatus,
} from "./status.ts";

export type { MemberStatus, UserStatus } from "./status.ts";

export type AuthProvider = "local" | "oidc" | "saml";

export interface UserView {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly username: string | null;
  readonly phoneNumber: string | null;
  readonly image: string | null;
  readonly emailVerified: boolean;
  readonly globalRoles: readonly string[];
  /** Holds the global role `admin` (src/auth/roles.ts isPlatformAdminRoles, as the principal resolver). */
  readonly isPlatformAdmin: boolean;
  readonly banned: boolean;
  readonly status: UserStatus;
  /** status === "active", for every API's active / is_active flag. */
  readonly active: boolean;
  readonly authProvider: AuthProvider;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastLoginAt: Date | null;
}

/** A user as an account of the platform (GeoLens, Hasura). */
export interface AccountView extends UserView {
  /** Stable integer id (Hasura's `hasura_id`). */
  readonly numericId: number;
}

/** A user as a member of one tenant: `status` and `active` are as that tenant sees them. */
export interface TenantUserView extends UserView {
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly isOwner: boolean;
  readonly membership: MemberStatus;
  /** The account's own status, whatever the membership. */
  readonly accountStatus: UserStatus;
}

export function placeholderEmail(userId: string): string {
  return `${userId}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}

export function toUserView(row: Record<string, unknown>): UserView {
  const email = String(row.email ?? "");
  const provider = row.authProvider;
  const globalRoles = parseRoles(row.role);
  const status = accountStatus(row);
  return {
    id: String(row.id),
    email: email && !isPlaceholderEmail(email) ? email : null,
    name: typeof row.name === "string" && row.name !== "" ? row.name : null,
    // As the user typed it; `username` itself is stored lower-case for case-insensitive uniqueness.
    username:
      (row.displayUsername as string | null | undefined) ??
      (row.username as string | null | undefined) ??
      null,
    phoneNumber: (row.phoneNumber as string | null | undefined) ?? null,
    image: (row.image as string | null | undefined) ?? null,
    emailVerified: Boolean(row.emailVerified),
    globalRoles,
    isPlatformAdmin: isPlatformAdminRoles(globalRoles),
    banned: Boolean(row.banned),
    status,
    active: isActive(status),
    authProvider: provider === "oidc" || provider === "saml" ? provider : "local",
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
    lastLoginAt: toDate(row.lastLoginAt, true),
  };
}

export function toAccountView(row: Record<string, unknown>): AccountView {
  return { ...toUserView(row), numericId: Number(row.numericId) };
}

export function toTenantUserView(
  row: Record<string, unknown>,
  tenantId: string,
  memberRole: unknown,
  memberStatusValue: unknown,
): TenantUserView {
  const user = toUserView(row);
  const roles = parseRoles(memberRole);
  const membership = memberStatus(memberStatusValue);
  const status = statusInTenant(user.status, membership);
  return {
    ...user,
    status,
    active: isActive(status),
    accountStatus: user.status,
    tenantId,
    roles,
    isOwner: roles.includes("owner"),
    membership,
  };
}
