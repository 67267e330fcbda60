/**
 * The account service's refusals, one code per reason, in a typed catalogue (the code is the i18n key,
 * src/i18n/app-errors.ts). Each API renders them in its own shape and words.
 */
import { defineAppErrors } from "../../i18n/app-errors.ts";

export const AccountErrorCodes = defineAppErrors({
  email_exists: { status: 409 },
  username_exists: { status: 409 },
  phone_exists: { status: 409 },
  not_found: { status: 404 },
  // Rules of an admin acting on accounts: nobody locks themselves (or the platform) out by accident.
  cannot_change_own_role: { status: 422 },
  cannot_disable_self: { status: 422 },
  cannot_delete_self: { status: 400 },
  last_admin: { status: 400 },
  last_owner: { status: 409 },
  invalid_roles: { status: 422 },
});

const c = AccountErrorCodes;

export const AccountErrors = {
  emailTaken: () => c.email_exists(),
  usernameTaken: () => c.username_exists(),
  phoneTaken: () => c.phone_exists(),
  notFound: () => c.not_found({ message: "No such user", details: { resource: "user" } }),
  ownRoleChange: () => c.cannot_change_own_role(),
  selfDisable: () => c.cannot_disable_self(),
  selfDelete: () => c.cannot_delete_self(),
  lastAdmin: () => c.last_admin(),
  lastOwner: () => c.last_owner(),
  unknownGlobalRoles: (unknown: readonly string[]) =>
    c.invalid_roles({ message: "Some roles do not exist", details: { invalid_roles: unknown } }),
} as const;
