/**
 * The one account service behind every API (native /v1, GeoLens, Hasura): create (e-mail, username or phone),
 * read, list, update, activate, delete, grant global and tenant roles, and the sign-up policy. Every operation
 * takes the caller's V1Context — its Actor (a platform admin, a tenant member with roles, an API key, the
 * account itself; null = anonymous) in one tenant — and is decided by Cedar (src/authz) before anything is
 * changed. Self-protection (not yourself, not the last admin or owner) is decided here, never at call sites.
 *
 * Accounts are platform-wide; tenants hold memberships. Every account is a member of `default` (role `user`).
 * Seen from another tenant, `active: false` suspends the membership there and removal ends it; only platform
 * admins ban or delete an account or change another user's name and avatar (src/authz/policies/accounts.cedar).
 */
import { type AccountServiceDeps, createAccountCore } from "./core.ts";
import { createMemberOperations } from "./members.ts";
import { createPlatformOperations } from "./platform.ts";

export { AccountErrors } from "./errors.ts";
export type {
  AccountChanges,
  CreateUserInput,
  NewAccount,
  SignUpInput,
  SignUpPolicy,
  UserChanges,
  UsersPage,
} from "./model.ts";
export { LIST_LIMIT_MAX } from "./paging.ts";
export type { AccountListQuery, AccountWhere as AccountKey } from "./queries.ts";
export type { AccountView } from "./view.ts";

export function createAccountService(deps: AccountServiceDeps) {
  const core = createAccountCore(deps);
  return {
    signUpPolicy: deps.signUp,
    findAccount: core.findAccount,
    ...createMemberOperations(core),
    ...createPlatformOperations(core),
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
