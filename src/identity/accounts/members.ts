import type { AccountField, UserField } from "../../authz/model.ts";
import { AppError } from "../../platform/errors.ts";
import { auditBy } from "../audit/actor.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import { type AccountCore, actorId, isAlreadyExists } from "./core.ts";
import { AccountErrors } from "./errors.ts";
import { refusingLastHolder } from "./last-holder.ts";
import type { CreateUserInput, SignUpInput, UserChanges, UsersPage } from "./model.ts";
import {
  changedRoles,
  decodeCursor,
  encodeCursor,
  LIST_LIMIT_MAX,
  sameRoles,
  uniqueRoles,
} from "./paging.ts";
import { checkAvatar, checkEmail, checkPassword } from "./rules.ts";
import type { TenantUserView, UserStatus } from "./view.ts";

export function createMemberOperations(core: AccountCore) {
  const {
    deps,
    queries,
    context,
    decide,
    account,
    member,
    isDefault,
    assertNotLastAdmin,
    assertAnotherOwner,
    setAccountActive,
    deleteAccount,
    createAccountRow,
  } = core;
  const { auth, tenants, logger, audit } = deps;

  /** The account changes of a tenant's PATCH, and who decides each: the tenant, or the platform. */
  function tenantChanges(
    ctx: V1Context,
    user: TenantUserView,
    changes: UserChanges,
    avatar: string | null | undefined,
  ) {
    const roles = changes.roles === undefined ? undefined : uniqueRoles(changes.roles);
    // What `active` switches: the account in `default`, the membership anywhere else.
    const active = isDefault(ctx) ? user.active : user.membership === "active";
    const changed: UserField[] = [
      ...(changes.name !== undefined && changes.name !== user.name ? (["name"] as const) : []),
      ...(avatar !== undefined && avatar !== user.image ? (["avatar"] as const) : []),
      ...(roles !== undefined && !sameRoles(user.roles, roles) ? (["roles"] as const) : []),
      ...(changes.active !== undefined && changes.active !== active ? (["active"] as const) : []),
    ];
    return { roles, changed };
  }

  const operations = {
    async create(ctx: V1Context, input: CreateUserInput): Promise<TenantUserView> {
      const email = checkEmail(input.email);
      const roles = uniqueRoles(input.roles);
      if (input.authProvider === "local") {
        if (input.password === undefined) {
          throw V1Errors.invalidRequest("A password is required for local users", { field: "password" });
        }
        checkPassword(input.password, "password", [email, input.name]);
      } else if (input.password !== undefined) {
        throw V1Errors.invalidRequest("Users who sign in through OIDC or SAML have no password", {
          field: "password",
        });
      }
      const avatar = input.avatar === undefined || input.avatar === null ? null : checkAvatar(input.avatar);
      await decide.createMember(ctx, roles);
      if (roles.length === 0)
        throw V1Errors.invalidRequest("At least one role is required", { field: "roles" });
      const catalogue = await tenants.roleNames(ctx.tenant.id);
      const invalid = roles.filter((role) => !catalogue.has(role));
      if (invalid.length > 0) throw V1Errors.invalidRoles(invalid);
      if (await queries.emailTaken(email)) throw V1Errors.emailExists();
      // The account and its roles in the tenant: one transaction.
      const id = await createAccountRow(
        {
          email,
          name: input.name,
          password: input.password,
          globalRoles: ["user"],
          active: true,
          emailVerified: false,
          image: avatar,
          authProvider: input.authProvider,
        },
        (created) => tenants.setMember(ctx.tenant.id, created, roles),
      ).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "email_exists") throw V1Errors.emailExists();
        throw error;
      });
      logger.info({ tenantId: ctx.tenant.id, userId: id }, "user created");
      await audit.record({
        ...auditBy(ctx),
        type: "user.created",
        subjectType: "user",
        subjectId: id,
        details: { roles },
      });
      return member(ctx.tenant.id, id);
    },

    /** Public sign-up into the default tenant (seed 003 without Authorization). */
    async signUp(ctx: V1Context, input: SignUpInput, headers: Headers): Promise<TenantUserView> {
      if (!deps.signUp.enabled) throw V1Errors.signUpDisabled();
      // Anyone may join the default tenant; joining another one takes a credential (or an invitation).
      if (!isDefault(ctx)) throw V1Errors.unauthenticated();
      const email = checkEmail(input.email);
      checkPassword(input.password, "password", [email, input.name]);
      if (await queries.emailTaken(email)) throw V1Errors.emailExists();
      let userId: string;
      try {
        const result = await auth.api.signUpEmail({
          body: { email, password: input.password, name: input.name ?? "" },
          headers,
        });
        userId = result.user.id;
      } catch (error) {
        if (isAlreadyExists(error)) throw V1Errors.emailExists();
        throw error;
      }
      await tenants.joinDefault(userId);
      return member(ctx.tenant.id, userId);
    },

    async list(
      ctx: V1Context,
      filter: { limit: number; cursor?: string; q?: string; role?: string; status?: UserStatus },
    ): Promise<UsersPage> {
      if (filter.limit < 1 || filter.limit > LIST_LIMIT_MAX) {
        throw V1Errors.invalidRequest(`limit must be between 1 and ${LIST_LIMIT_MAX}`, { field: "limit" });
      }
      await decide.listMembers(ctx);
      const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
      // One extra row tells whether another page exists.
      const rows = await queries.listInTenant(ctx.tenant.id, { ...filter, cursor, limit: filter.limit + 1 });
      const data = rows.slice(0, filter.limit);
      const last = data.at(-1);
      return { data, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
    },

    async get(ctx: V1Context, userId: string): Promise<TenantUserView> {
      const user = await member(ctx.tenant.id, userId);
      await decide.readMember(ctx, user);
      return user;
    },

    /**
     * Roles are the tenant's. Activation is the membership's in any tenant but `default` (a suspension there
     * only), the account's in `default` (a ban). Name and avatar are the account's global profile.
     */
    async update(ctx: V1Context, userId: string, changes: UserChanges): Promise<TenantUserView> {
      const user = await member(ctx.tenant.id, userId);
      const avatar =
        changes.avatar === undefined || changes.avatar === null
          ? changes.avatar
          : checkAvatar(changes.avatar);
      const { roles, changed } = tenantChanges(ctx, user, changes, avatar);
      const deactivates = changed.includes("active") && changes.active === false;
      const granted = roles === undefined ? [] : changedRoles(user.roles, roles);
      await decide.updateMember(ctx, user, changed, granted);
      const accountWide: AccountField[] = [
        ...(changed.includes("name") ? (["name"] as const) : []),
        ...(changed.includes("avatar") ? (["avatar"] as const) : []),
        ...(changed.includes("active") && isDefault(ctx) ? (["active"] as const) : []),
      ];
      if (accountWide.length > 0) await decide.updateAccount(ctx, user, accountWide);
      if (changed.length === 0) return user;
      if (deactivates && actorId(ctx) === user.id) throw AccountErrors.selfDisable();
      if (roles !== undefined && changed.includes("roles")) {
        if (roles.length === 0)
          throw V1Errors.invalidRequest("At least one role is required", { field: "roles" });
        const catalogue = await tenants.roleNames(ctx.tenant.id);
        const invalid = roles.filter((role) => !catalogue.has(role));
        if (invalid.length > 0) throw V1Errors.invalidRoles(invalid);
        if (user.isOwner && !roles.includes("owner")) await assertAnotherOwner(ctx.tenant.id);
      }
      if (deactivates && user.isOwner && !isDefault(ctx)) await assertAnotherOwner(ctx.tenant.id);
      if (deactivates && isDefault(ctx)) await assertNotLastAdmin(await account(user.id));
      const ctxAuth = await context();
      if (changed.includes("name") || changed.includes("avatar")) {
        await ctxAuth.internalAdapter.updateUser(user.id, {
          ...(changed.includes("name") ? { name: changes.name } : {}),
          ...(changed.includes("avatar") ? { image: avatar ?? null } : {}),
        });
      }
      if (roles !== undefined && changed.includes("roles"))
        await tenants.setMember(ctx.tenant.id, user.id, roles);
      if (changes.active !== undefined && changed.includes("active")) {
        if (isDefault(ctx)) await setAccountActive(user.id, changes.active);
        else await tenants.setMemberStatus(ctx.tenant.id, user.id, changes.active ? "active" : "suspended");
      }
      await audit.record({
        ...auditBy(ctx),
        type: "member.updated",
        subjectType: "user",
        subjectId: user.id,
        details: {
          changes: changed,
          ...(changed.includes("roles") ? { roles: roles ?? [] } : {}),
          ...(changed.includes("active") ? { active: changes.active ?? null } : {}),
        },
      });
      return member(ctx.tenant.id, user.id);
    },

    /**
     * In any tenant but `default`: ends the membership, nothing else. In `default` (where every account is a
     * member): deletes the account, a platform admin's decision.
     */
    async remove(ctx: V1Context, userId: string): Promise<void> {
      const user = await member(ctx.tenant.id, userId);
      await decide.removeMember(ctx, user);
      if (isDefault(ctx)) {
        await decide.deleteAccount(ctx, user);
        if (actorId(ctx) === user.id) throw AccountErrors.selfDelete();
        await assertNotLastAdmin(await account(user.id));
        await deleteAccount(user.id);
        logger.info({ userId: user.id }, "account deleted");
        await audit.record({
          ...auditBy(ctx),
          type: "user.deleted",
          subjectType: "user",
          subjectId: user.id,
        });
        return;
      }
      if (user.isOwner) await assertAnotherOwner(ctx.tenant.id);
      await tenants.removeMember(ctx.tenant.id, user.id);
      logger.info({ tenantId: ctx.tenant.id, userId: user.id }, "user removed from tenant");
      await audit.record({
        ...auditBy(ctx),
        type: "member.removed",
        subjectType: "user",
        subjectId: user.id,
      });
    },
  };
  // A concurrent change can still meet the guard inside the write (src/auth/last-owner-guard.ts).
  return {
    ...operations,
    update: refusingLastHolder(operations.update),
    remove: refusingLastHolder(operations.remove),
  };
}
