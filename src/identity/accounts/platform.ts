import type { AccountField } from "../../authz/model.ts";
import { auditBy } from "../audit/actor.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import { type AccountCore, actorId } from "./core.ts";
import { AccountErrors } from "./errors.ts";
import { refusingLastHolder } from "./last-holder.ts";
import type { AccountChanges, NewAccount } from "./model.ts";
import { sameRoles, uniqueRoles } from "./paging.ts";
import type { AccountListQuery, AccountWhere } from "./queries.ts";
import { checkEmail, checkPassword } from "./rules.ts";
import { type AccountView, placeholderEmail } from "./view.ts";

export function createPlatformOperations(core: AccountCore) {
  const {
    deps,
    queries,
    context,
    decide,
    findAccount,
    account,
    assertGlobalRolesExist,
    assertNotLastAdmin,
    assertNotPwned,
    setAccountActive,
    deleteAccount,
    createAccountRow,
  } = core;
  const { logger, audit } = deps;

  const operations = {
    async createAccount(ctx: V1Context, input: NewAccount): Promise<AccountView> {
      await decide.createAccount(ctx);
      const id = await createAccountRow(input);
      await audit.record({
        ...auditBy(ctx),
        type: "user.created",
        subjectType: "user",
        subjectId: id,
        details: { roles: input.globalRoles },
      });
      return account(id);
    },

    /** A sign-up of the Hasura dialect: anyone, when the sign-up policy allows it. */
    async signUpAccount(input: NewAccount): Promise<AccountView> {
      if (!deps.signUp.enabled) throw V1Errors.signUpDisabled();
      return account(await createAccountRow(input));
    },

    async listAccounts(
      ctx: V1Context,
      query: AccountListQuery,
    ): Promise<{ users: AccountView[]; total: number }> {
      await decide.listAccounts(ctx);
      return queries.listAccounts(query);
    },

    /** An account by id or identifier; not_found when there is none. */
    async getAccount(ctx: V1Context, where: AccountWhere): Promise<AccountView> {
      const found = await findAccount(where);
      if (!found) throw AccountErrors.notFound();
      await decide.readAccount(ctx, found);
      return found;
    },

    /** The signed-in account's own view (Hasura's /v1/user/info, sign-up and login answers). */
    async ownAccount(userId: string): Promise<AccountView> {
      return account(userId);
    },

    async updateAccount(ctx: V1Context, id: string, changes: AccountChanges): Promise<AccountView> {
      const target = await account(id);
      const roles = changes.globalRoles === undefined ? undefined : uniqueRoles(changes.globalRoles);
      const email =
        changes.email === undefined ? undefined : changes.email ? checkEmail(changes.email) : null;
      if (changes.password !== undefined) {
        checkPassword(changes.password, "password", [
          email ?? target.email,
          target.username,
          target.name,
          target.phoneNumber,
        ]);
        await assertNotPwned(changes.password);
      }
      const fields: AccountField[] = [
        ...(email !== undefined && email !== target.email ? (["email"] as const) : []),
        ...(roles !== undefined && !sameRoles(target.globalRoles, roles) ? (["globalRoles"] as const) : []),
        ...(changes.password !== undefined ? (["password"] as const) : []),
        ...(changes.active !== undefined || changes.status !== undefined ? (["active"] as const) : []),
      ];
      await decide.updateAccount(ctx, target, fields);
      if (roles !== undefined && fields.includes("globalRoles")) await assertGlobalRolesExist(roles);
      if (actorId(ctx) === id) {
        if (fields.includes("globalRoles")) throw AccountErrors.ownRoleChange();
        if (changes.active === false || changes.status === "disabled") throw AccountErrors.selfDisable();
      }
      const ctxAuth = await context();
      if (email !== undefined && email !== target.email) {
        if (email) {
          const owner = await findAccount({ email });
          if (owner && owner.id !== id) throw AccountErrors.emailTaken();
        }
        await ctxAuth.internalAdapter.updateUser(id, {
          email: email ?? placeholderEmail(id),
          emailVerified: false,
        });
      }
      if (roles !== undefined && fields.includes("globalRoles")) {
        await ctxAuth.internalAdapter.updateUser(id, { role: roles.join(",") });
        // Sessions carry the roles they were opened with: a role change takes effect at the next sign-in.
        await ctxAuth.internalAdapter.deleteUserSessions(id);
      }
      if (changes.password !== undefined) {
        await ctxAuth.internalAdapter.updatePassword(id, await ctxAuth.password.hash(changes.password));
      }
      if (changes.active !== undefined || changes.status !== undefined) {
        const active = changes.active ?? changes.status !== "disabled";
        await setAccountActive(id, active, changes.status ?? (active ? "active" : "disabled"));
      }
      if (fields.length > 0) {
        await audit.record({
          ...auditBy(ctx),
          type: "user.updated",
          subjectType: "user",
          subjectId: id,
          details: {
            changes: fields,
            ...(fields.includes("globalRoles") ? { roles: roles ?? [] } : {}),
            ...(fields.includes("active") ? { active: changes.active ?? changes.status !== "disabled" } : {}),
          },
        });
      }
      return account(id);
    },

    async endSessions(ctx: V1Context, id: string): Promise<void> {
      const target = await account(id);
      await decide.updateAccount(ctx, target, ["sessions"]);
      await (await context()).internalAdapter.deleteUserSessions(id);
      await audit.record({
        ...auditBy(ctx),
        type: "user.sessions_revoked",
        subjectType: "user",
        subjectId: id,
      });
    },

    /** Deletes the account and every membership; never oneself, nor the last active platform admin. */
    async removeAccount(ctx: V1Context, id: string): Promise<{ account: AccountView; hadPassword: boolean }> {
      const target = await account(id);
      await decide.deleteAccount(ctx, target);
      if (actorId(ctx) === id) throw AccountErrors.selfDelete();
      await assertNotLastAdmin(target);
      const hadPassword = Boolean(await (await context()).internalAdapter.findCredentialAccount(id));
      await deleteAccount(id);
      logger.info({ userId: id }, "account deleted");
      await audit.record({ ...auditBy(ctx), type: "user.deleted", subjectType: "user", subjectId: id });
      return { account: target, hadPassword };
    },

    /** Undoes an account the caller just created when the step after it failed (a wrong sign-up OTP). */
    async discardNewAccount(id: string): Promise<void> {
      await deleteAccount(id);
    },
  };
  // A concurrent change can still meet the guard inside the write (src/auth/last-owner-guard.ts).
  return {
    ...operations,
    updateAccount: refusingLastHolder(operations.updateAccount),
    removeAccount: refusingLastHolder(operations.removeAccount),
  };
}
