/**
 * The better-auth plugins Gatehouse enables, each configured in its own file so that a plugin's options, senders
 * and limits are found in one place.
 */
import { admin, bearer, jwt, openAPI, username } from "better-auth/plugins";
import { isValidUsername, USERNAME_MAX, USERNAME_MIN } from "../account-rules.ts";
import { JWT_SESSION_CLAIM } from "../jwt-session.ts";
import { PLATFORM_ADMIN_ROLE } from "../roles.ts";
import { adminGuards } from "./admin-guards.ts";
import { auditPlugin } from "./audit.ts";
import { authProviderPlugin } from "./auth-provider.ts";
import type { PluginDeps } from "./deps.ts";
import { listUsersPlugin } from "./list-users.ts";
import { oneTapPlugin } from "./one-tap.ts";
import { organizationPlugin } from "./organization.ts";
import { phoneNumberPlugin } from "./phone-number.ts";
import { phoneSignUpPlugin } from "./phone-sign-up.ts";
import { revokeSessionPlugin } from "./revoke-session.ts";
import { IMPERSONATION_SESSION_SECONDS, sessionHygienePlugin } from "./session-hygiene.ts";
import { signUpPolicyPlugin } from "./sign-up-policy.ts";
import { socialPlugins } from "./social.ts";
import { suspendedMembershipsPlugin } from "./suspended-memberships.ts";
import { twoFactorPlugin } from "./two-factor.ts";

export function plugins(deps: PluginDeps) {
  return [
    bearer(),
    revokeSessionPlugin(),
    authProviderPlugin(),
    admin({
      defaultRole: "user",
      adminRoles: [PLATFORM_ADMIN_ROLE],
      // Impersonation is a support tool, not a way to live as another user; the hour is absolute
      // (session-hygiene.ts).
      impersonationSessionDuration: IMPERSONATION_SESSION_SECONDS,
    }),
    ...(deps.db ? [listUsersPlugin(deps.db)] : []),
    sessionHygienePlugin(),
    adminGuards(),
    username({
      minUsernameLength: USERNAME_MIN,
      maxUsernameLength: USERNAME_MAX,
      usernameValidator: isValidUsername,
    }),
    twoFactorPlugin(deps),
    phoneNumberPlugin(deps),
    phoneSignUpPlugin(),
    signUpPolicyPlugin(deps.config),
    oneTapPlugin(deps),
    organizationPlugin(deps),
    ...(deps.canActInTenant ? [suspendedMembershipsPlugin(deps.canActInTenant)] : []),
    // JWTs are issued on request (GET /api/auth/token); signing one into a header of every get-session
    // doubled its cost (measured: 3.7 → 2.2 ms in-process).
    jwt({
      disableSettingJwtHeader: true,
      // `sid` binds the token to the session it was issued for, so that it dies with it (sign-out, revocation,
      // password change): src/auth/principal.ts refuses a JWT whose session is gone. The session's id, never its
      // token, which is a credential.
      jwt: { definePayload: ({ user, session }) => ({ ...user, [JWT_SESSION_CLAIM]: session.id }) },
    }),
    openAPI({ disableDefaultReference: true }),
    ...socialPlugins(deps),
    // Last: its after hooks see what every other plugin made of the response (e.g. a two-factor challenge).
    ...(deps.recordAudit ? [auditPlugin(deps.recordAudit)] : []),
  ];
}
