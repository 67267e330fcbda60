/** What the account service takes and gives, apart from the views of view.ts. */
import type { AuthProvider, TenantUserView, UserStatus } from "./view.ts";

/** An account as the platform-wide dialects (GeoLens, Hasura) create it. */
export interface NewAccount {
  readonly email?: string | null;
  readonly username?: string | null;
  /** E.164, e.g. +919999999999. */
  readonly phoneNumber?: string | null;
  readonly password?: string;
  readonly name?: string;
  readonly globalRoles: readonly string[];
  readonly active: boolean;
  readonly emailVerified?: boolean;
  readonly phoneNumberVerified?: boolean;
}

export interface AccountChanges {
  readonly email?: string | null;
  readonly active?: boolean;
  readonly status?: UserStatus;
  readonly globalRoles?: readonly string[];
  readonly password?: string;
}

/** A user created by a tenant (seed 001). */
export interface CreateUserInput {
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly password?: string;
  readonly authProvider: AuthProvider;
  readonly avatar?: string | null;
}

export interface SignUpInput {
  readonly email: string;
  readonly password: string;
  readonly name?: string;
}

/** A change of a user as a tenant sees it: global profile (name, avatar), tenant roles, activation. */
export interface UserChanges {
  readonly name?: string;
  readonly roles?: readonly string[];
  readonly avatar?: string | null;
  readonly active?: boolean;
}

export interface UsersPage {
  readonly data: TenantUserView[];
  readonly nextCursor: string | null;
}

/** Who may sign up on their own, and whether they must verify their e-mail first (REQUIRE_EMAIL_VERIFICATION). */
export interface SignUpPolicy {
  readonly enabled: boolean;
  readonly requireEmailVerification: boolean;
}
