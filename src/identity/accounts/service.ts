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
import type { Auth } from "../../auth/index.ts";
import type { AccountField, UserField } from "../../authz/model.ts";
import type { Db } from "../../platform/db/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import type { Guard } from "../guard.ts";
import { DEFAULT_TENANT_SLUG, type TenantService } from "../tenants/service.ts";
import { createAccountDecisions } from "./decisions.ts";
import { AccountErrors } from "./errors.ts";
import type { GlobalRoleCatalogue } from "./global-roles.ts";
import {
  changedRoles,
  decodeCursor,
  encodeCursor,
  LIST_LIMIT_MAX,
  sameRoles,
  uniqueRoles,
} from "./paging.ts";
import { type AccountListQuery, type AccountWhere, createUserQueries, type UserQueries } from "./queries.ts";
import { checkAvatar, checkEmail, checkPassword, checkPhoneNumber } from "./rules.ts";
import {
  type AccountView,
  type AuthProvider,
  placeholderEmail,
  type TenantUserView,
  type UserStatus,
} from "./view.ts";
import { createAccountWrites } from "./writes.ts";

export type { AccountListQuery, AccountWhere as AccountKey } from "./queries.ts";
export type { AccountView } from "./view.ts";

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

export { LIST_LIMIT_MAX } from "./paging.ts";
/** Why an account cannot be created or changed; each dialect renders these in its own words. */
export { AccountErrors };

interface Deps {
  readonly auth: Auth;
  readonly db: Db;
  readonly tenants: TenantService;
  readonly authorize: Guard;
  readonly logger: Logger;
  readonly signUp: SignUpPolicy;
  readonly globalRoles: GlobalRoleCatalogue;
  readonly queries?: UserQueries;
}

function isAlreadyExists(error: unknown): boolean {
  const code = (error as { body?: { code?: string } } | null)?.body?.code ?? "";
  return code.startsWith("USER_ALREADY_EXISTS");
}

function actorId(ctx: V1Context): string | null {
  return ctx.actor?.type === "User" ? ctx.actor.id : null;
}

export function createAccountService(deps: Deps) {
  const { auth, db, tenants, authorize, logger } = deps;
  const queries = deps.queries ?? createUserQueries(db);
  const context = () => auth.$context;
  const decide = createAccountDecisions(authorize);

  // ---- reads ----

  async function findAccount(where: AccountWhere): Promise<AccountView | null> {
    return queries.findAccount(where);
  }

  async function account(id: string): Promise<AccountView> {
    const found = await findAccount({ id });
    if (!found) throw AccountErrors.notFound();
    return found;
  }

  async function member(tenantId: string, userId: string): Promise<TenantUserView> {
    const user = await queries.findInTenant(tenantId, userId);
    if (!user) throw V1Errors.notFound("user");
    return user;
  }

  function isDefault(ctx: V1Context): boolean {
    return ctx.tenant.slug === DEFAULT_TENANT_SLUG;
  }

  /** Global roles come from the one catalogue (src/identity/accounts/global-roles.ts), whichever API grants them. */
  async function assertGlobalRolesExist(roles: readonly string[]): Promise<void> {
    const unknown = await deps.globalRoles.unknown(roles);
    if (unknown.length > 0) throw AccountErrors.unknownGlobalRoles(unknown);
  }

  // ---- self-protection ----

  /** Nobody bans or deletes the last active platform admin: the platform would have nobody to repair it. */
  async function assertNotLastAdmin(target: AccountView): Promise<void> {
    if (!target.isPlatformAdmin || target.status === "disabled") return;
    if ((await queries.activePlatformAdminCount()) <= 1) throw AccountErrors.lastAdmin();
  }

  /** Before an owner stops being one: a tenant without an owner could never grant `owner` again. */
  async function assertAnotherOwner(tenantId: string): Promise<void> {
    if ((await queries.activeOwnerCount(tenantId)) < 2) throw AccountErrors.lastOwner();
  }

  // ---- writes ----

  const writes = createAccountWrites({ auth, db });
  const setAccountActive = writes.setActive;
  const deleteAccount = writes.remove;

  /** Creates the account through better-auth (which makes it a member of `default`); never half of one. */
  async function createAccountRow(
    input: NewAccount & { image?: string | null; authProvider?: AuthProvider },
  ) {
    const email = input.email ? checkEmail(input.email) : null;
    // The username rule (src/auth/account-rules.ts) is enforced by better-auth's username plugin on createUser,
    // with its own codes (INVALID_USERNAME, USERNAME_TOO_LONG) that every dialect already words its way.
    const username = input.username?.trim() || null;
    const phoneNumber = input.phoneNumber ? checkPhoneNumber(input.phoneNumber) : null;
    if (input.password !== undefined) checkPassword(input.password);
    await assertGlobalRolesExist(input.globalRoles);
    const assertFree = async () => {
      if (email && (await findAccount({ email }))) throw AccountErrors.emailTaken();
      if (username && (await findAccount({ username }))) throw AccountErrors.usernameTaken();
      if (phoneNumber && (await findAccount({ phoneNumber }))) throw AccountErrors.phoneTaken();
    };
    await assertFree();
    const created = await auth.api
      .createUser({
        body: {
          // better-auth requires an e-mail: a reserved placeholder stands in (rendered as null, never mailed).
          email: email ?? placeholderEmail(crypto.randomUUID()),
          name: input.name ?? username ?? "",
          // Global roles are open-ended (the one catalogue of src/identity/accounts/global-roles.ts); better-auth's
          // type lists only its defaults.
          role: (input.globalRoles.length > 0 ? [...input.globalRoles] : ["user"]) as "user"[],
          ...(input.password !== undefined ? { password: input.password } : {}),
          data: {
            // No address, nothing to verify: REQUIRE_EMAIL_VERIFICATION must not lock such accounts out.
            emailVerified: input.emailVerified ?? !email,
            ...(username ? { username: username.toLowerCase(), displayUsername: username } : {}),
            ...(input.image !== undefined ? { image: input.image } : {}),
            ...(input.authProvider ? { authProvider: input.authProvider } : {}),
          },
        },
      })
      .catch(async (error: unknown) => {
        // A concurrent create won the race for a unique e-mail or username: answer as if we had seen it first.
        await assertFree();
        if (isAlreadyExists(error)) throw AccountErrors.emailTaken();
        throw error;
      });
    const id = created.user.id;
    const ctx = await context();
    try {
      if (!email) await ctx.internalAdapter.updateUser(id, { email: placeholderEmail(id) });
      // The phone-number plugin does not take the number at creation; set it directly.
      if (phoneNumber) {
        await ctx.internalAdapter.updateUser(id, {
          phoneNumber,
          phoneNumberVerified: input.phoneNumberVerified ?? false,
        });
      }
      // better-auth's user.create hook (src/auth/membership-hook.ts) has done this; an idempotent re-check.
      await tenants.joinDefault(id);
      if (!input.active) await setAccountActive(id, false);
    } catch (error) {
      // Never leave half an account behind.
      await deleteAccount(id).catch(() => {});
      throw error;
    }
    return id;
  }

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

  return {
    signUpPolicy: deps.signUp,
    findAccount,

    // ==== a tenant's view (native /v1/users) ====

    async create(ctx: V1Context, input: CreateUserInput): Promise<TenantUserView> {
      const email = checkEmail(input.email);
      const roles = uniqueRoles(input.roles);
      if (input.authProvider === "local") {
        if (input.password === undefined) {
          throw V1Errors.invalidRequest("A password is required for local users", { field: "password" });
        }
        checkPassword(input.password);
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
      const id = await createAccountRow({
        email,
        name: input.name,
        password: input.password,
        globalRoles: ["user"],
        active: true,
        emailVerified: false,
        image: avatar,
        authProvider: input.authProvider,
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "email_exists") throw V1Errors.emailExists();
        throw error;
      });
      try {
        await tenants.setMember(ctx.tenant.id, id, roles);
      } catch (error) {
        await deleteAccount(id).catch(() => {});
        throw error;
      }
      logger.info({ tenantId: ctx.tenant.id, userId: id }, "user created");
      return member(ctx.tenant.id, id);
    },

    /** Public sign-up into the default tenant (seed 003 without Authorization). */
    async signUp(ctx: V1Context, input: SignUpInput, headers: Headers): Promise<TenantUserView> {
      if (!deps.signUp.enabled) throw V1Errors.signUpDisabled();
      // Anyone may join the default tenant; joining another one takes a credential (or an invitation).
      if (!isDefault(ctx)) throw V1Errors.unauthenticated();
      const email = checkEmail(input.email);
      checkPassword(input.password);
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
        return;
      }
      if (user.isOwner) await assertAnotherOwner(ctx.tenant.id);
      await tenants.removeMember(ctx.tenant.id, user.id);
      logger.info({ tenantId: ctx.tenant.id, userId: user.id }, "user removed from tenant");
    },

    // ==== the platform's view (GeoLens, Hasura): accounts, global roles ====

    async createAccount(ctx: V1Context, input: NewAccount): Promise<AccountView> {
      await decide.createAccount(ctx);
      return account(await createAccountRow(input));
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
      if (changes.password !== undefined) checkPassword(changes.password);
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
      return account(id);
    },

    async endSessions(ctx: V1Context, id: string): Promise<void> {
      const target = await account(id);
      await decide.updateAccount(ctx, target, ["sessions"]);
      await (await context()).internalAdapter.deleteUserSessions(id);
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
      return { account: target, hadPassword };
    },

    /** Undoes an account the caller just created when the step after it failed (a wrong sign-up OTP). */
    async discardNewAccount(id: string): Promise<void> {
      await deleteAccount(id);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
