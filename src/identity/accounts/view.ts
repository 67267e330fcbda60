/**
 * The canonical view of a user, read from better-auth's `user` row: what every API dialect renders from. Users
 * without an e-mail carry a reserved placeholder address (better-auth requires one); it is `null` here.
 */

import { isBanActive, parseRoles } from "../../auth/roles.ts";
import { toDate } from "../../platform/db/values.ts";
import { isPlaceholderEmail, PLACEHOLDER_EMAIL_DOMAIN } from "../../platform/mail/index.ts";

export type AuthProvider = "local" | "oidc" | "saml";
export type UserStatus = "active" | "pending" | "disabled";

export interface UserView {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly username: string | null;
  readonly phoneNumber: string | null;
  readonly image: string | null;
  readonly emailVerified: boolean;
  readonly globalRoles: readonly string[];
  readonly banned: boolean;
  readonly status: UserStatus;
  readonly authProvider: AuthProvider;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastLoginAt: Date | null;
}

/** A user as a member of one tenant. */
export interface TenantUserView extends UserView {
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly isOwner: boolean;
}

export function placeholderEmail(userId: string): string {
  return `${userId}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}

function status(row: Record<string, unknown>): UserStatus {
  if (isBanActive(row)) return "disabled";
  const value = row.status;
  return value === "pending" || value === "disabled" ? value : "active";
}

export function toUserView(row: Record<string, unknown>): UserView {
  const email = String(row.email ?? "");
  const provider = row.authProvider;
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
    globalRoles: parseRoles(row.role),
    banned: Boolean(row.banned),
    status: status(row),
    authProvider: provider === "oidc" || provider === "saml" ? provider : "local",
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
    lastLoginAt: toDate(row.lastLoginAt, true),
  };
}

export function toTenantUserView(
  row: Record<string, unknown>,
  tenantId: string,
  memberRole: unknown,
): TenantUserView {
  const roles = parseRoles(memberRole);
  return { ...toUserView(row), tenantId, roles, isOwner: roles.includes("owner") };
}
