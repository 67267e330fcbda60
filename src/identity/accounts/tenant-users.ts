/**
 * The one canonical users service: every API dialect (native /v1, and the compatibility dialects) creates,
 * reads, changes and removes users through it. Tenant-scoped operations take the request's V1Context (who is
 * calling, in which tenant) and are decided by Cedar before anything is read beyond the target's membership.
 */
import type { Auth } from "../../auth/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import type { Guard } from "../guard.ts";
import { DEFAULT_TENANT_SLUG, type TenantService } from "../tenants/service.ts";
import type { ListFilter, UserQueries } from "./queries.ts";
import { checkAvatar, checkEmail, checkPassword } from "./rules.ts";
import { setAccountActive } from "./service.ts";
import type { AuthProvider, TenantUserView } from "./view.ts";

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

interface Deps {
  readonly auth: Auth;
  readonly tenants: TenantService;
  readonly queries: UserQueries;
  readonly authorize: Guard;
  readonly logger: Logger;
  readonly signUpEnabled: boolean;
}

/** The largest page: enough for an admin screen, small enough to keep one request cheap. */
export const LIST_LIMIT_MAX = 200;

function encodeCursor(user: TenantUserView): string {
  return Buffer.from(JSON.stringify([user.createdAt.toISOString(), user.id])).toString("base64url");
}

function decodeCursor(cursor: string): ListFilter["cursor"] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id === "string" && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // fall through: an unreadable cursor is the caller's error
  }
  throw V1Errors.invalidRequest("The cursor is not valid", { field: "cursor" });
}

function uniqueRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.map((role) => role.trim()).filter(Boolean))];
}

/** Roles added or removed by a change: what "grant only roles you hold" is checked against. */
function changedRoles(before: readonly string[], after: readonly string[]): string[] {
  return [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
}

function actorIsPlatformAdmin(ctx: V1Context): boolean {
  return ctx.actor?.type === "User" && ctx.actor.isPlatformAdmin;
}

function isAlreadyExists(error: unknown): boolean {
  const code = (error as { body?: { code?: string } } | null)?.body?.code ?? "";
  return code.startsWith("USER_ALREADY_EXISTS");
}

export function createUsersService(deps: Deps) {
  const { auth, tenants, queries, authorize, logger } = deps;
  const context = () => auth.$context;

  async function assertRolesExist(tenantId: string, roles: readonly string[]): Promise<void> {
    if (roles.length === 0)
      throw V1Errors.invalidRequest("At least one role is required", { field: "roles" });
    const catalogue = await tenants.roleNames(tenantId);
    const invalid = roles.filter((role) => !catalogue.has(role));
    if (invalid.length > 0) throw V1Errors.invalidRoles(invalid);
  }

  async function member(tenantId: string, userId: string): Promise<TenantUserView> {
    const user = await queries.findInTenant(tenantId, userId);
    if (!user) throw V1Errors.notFound("user");
    return user;
  }

  /** Before an owner stops being one: a tenant without an owner could never grant `owner` again. */
  async function assertAnotherOwner(tenantId: string): Promise<void> {
    const owners = (await queries.listInTenant(tenantId, { limit: 2, role: "owner" })).length;
    if (owners < 2) throw new AppError("last_owner", 409, "A tenant must keep at least one owner");
  }

  function resource(user: TenantUserView) {
    return {
      type: "TenantUser",
      userId: user.id,
      tenantId: user.tenantId,
      roles: user.roles,
      isOwner: user.isOwner,
    } as const;
  }

  /** Adds a user to a tenant; undoes the account when this was its creation and the membership fails. */
  async function addMember(tenantId: string, userId: string, roles: readonly string[], undoAccount: boolean) {
    const ctx = await context();
    try {
      await ctx.adapter.create({
        model: "member",
        data: { organizationId: tenantId, userId, role: roles.join(","), createdAt: new Date() },
      });
    } catch (error) {
      if (undoAccount) await ctx.internalAdapter.deleteUser(userId).catch(() => {});
      throw error;
    }
  }

  return {
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
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "users.create",
        resource: { type: "Tenant", id: ctx.tenant.id },
        context: { roles },
      }));
      await assertRolesExist(ctx.tenant.id, roles);
      if (await queries.emailTaken(email)) throw V1Errors.emailExists();
      let created: { user: { id: string } };
      try {
        created = await auth.api.createUser({
          body: {
            email,
            name: input.name,
            role: "user",
            ...(input.password !== undefined ? { password: input.password } : {}),
            data: { image: avatar, authProvider: input.authProvider },
          },
        });
      } catch (error) {
        if (isAlreadyExists(error)) throw V1Errors.emailExists();
        throw error;
      }
      await addMember(ctx.tenant.id, created.user.id, roles, true);
      logger.info({ tenantId: ctx.tenant.id, userId: created.user.id }, "user created");
      return member(ctx.tenant.id, created.user.id);
    },

    /** Public sign-up into the default tenant (seed 003 without Authorization). */
    async signUp(ctx: V1Context, input: SignUpInput, headers: Headers): Promise<TenantUserView> {
      if (!deps.signUpEnabled) throw V1Errors.signUpDisabled();
      // Anyone may join the default tenant; joining another one takes a credential (or an invitation).
      if (ctx.tenant.slug !== DEFAULT_TENANT_SLUG) throw V1Errors.unauthenticated();
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
      await addMember(ctx.tenant.id, userId, ["user"], true);
      return member(ctx.tenant.id, userId);
    },

    async list(
      ctx: V1Context,
      filter: { limit: number; cursor?: string; q?: string; role?: string; status?: "active" | "disabled" },
    ): Promise<UsersPage> {
      if (filter.limit < 1 || filter.limit > LIST_LIMIT_MAX) {
        throw V1Errors.invalidRequest(`limit must be between 1 and ${LIST_LIMIT_MAX}`, { field: "limit" });
      }
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "users.list",
        resource: { type: "Tenant", id: ctx.tenant.id },
      }));
      const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
      // One extra row tells whether another page exists.
      const rows = await queries.listInTenant(ctx.tenant.id, { ...filter, cursor, limit: filter.limit + 1 });
      const data = rows.slice(0, filter.limit);
      const last = data.at(-1);
      return { data, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
    },

    async get(ctx: V1Context, userId: string): Promise<TenantUserView> {
      const user = await member(ctx.tenant.id, userId);
      await authorize(ctx, (actor) => ({ principal: actor, action: "users.read", resource: resource(user) }));
      return user;
    },

    async update(ctx: V1Context, userId: string, changes: UserChanges): Promise<TenantUserView> {
      const user = await member(ctx.tenant.id, userId);
      const roles = changes.roles === undefined ? undefined : uniqueRoles(changes.roles);
      const avatar =
        changes.avatar === undefined || changes.avatar === null
          ? changes.avatar
          : checkAvatar(changes.avatar);
      const changed = [
        ...(changes.name !== undefined && changes.name !== user.name ? (["name"] as const) : []),
        ...(avatar !== undefined && avatar !== user.image ? (["avatar"] as const) : []),
        ...(roles !== undefined && changedRoles(user.roles, roles).length > 0 ? (["roles"] as const) : []),
        ...(changes.active !== undefined && changes.active !== (user.status === "active")
          ? (["active"] as const)
          : []),
      ];
      const granted = roles === undefined ? [] : changedRoles(user.roles, roles);
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "users.update",
        resource: resource(user),
        context: { changes: changed, roles: granted },
      }));
      if (changed.length === 0) return user;
      if (roles !== undefined && changed.includes("roles")) {
        await assertRolesExist(ctx.tenant.id, roles);
        if (user.isOwner && !roles.includes("owner")) await assertAnotherOwner(ctx.tenant.id);
      }
      if (changed.includes("active") && !actorIsPlatformAdmin(ctx)) {
        // Deactivation is account-wide: a tenant may only do it to users who belong to it alone, and never to
        // a platform administrator (whose account is the platform's, not the tenant's).
        if (user.globalRoles.includes("admin")) {
          throw V1Errors.forbidden([
            "Only a platform administrator can deactivate a platform administrator.",
          ]);
        }
        if ((await queries.tenantCount(user.id)) > 1) {
          throw V1Errors.forbidden([
            "This user also belongs to other tenants; only a platform administrator can deactivate it.",
          ]);
        }
      }
      const ctxAuth = await context();
      if (changed.includes("name") || changed.includes("avatar")) {
        await ctxAuth.internalAdapter.updateUser(user.id, {
          ...(changed.includes("name") ? { name: changes.name } : {}),
          ...(changed.includes("avatar") ? { image: avatar ?? null } : {}),
        });
      }
      if (roles !== undefined && changed.includes("roles")) {
        const membership = await tenants.membership(ctx.tenant.id, user.id);
        if (membership) {
          await ctxAuth.adapter.update({
            model: "member",
            where: [{ field: "id", value: membership.memberId }],
            update: { role: roles.join(",") },
          });
        }
      }
      if (changes.active !== undefined && changed.includes("active"))
        await setAccountActive(auth, user.id, changes.active);
      return member(ctx.tenant.id, user.id);
    },

    /** Removes the user from the tenant; deletes the account when it belongs to no other tenant. */
    async remove(ctx: V1Context, userId: string): Promise<void> {
      const user = await member(ctx.tenant.id, userId);
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "users.delete",
        resource: resource(user),
      }));
      if (user.isOwner) await assertAnotherOwner(ctx.tenant.id);
      const ctxAuth = await context();
      const membership = await tenants.membership(ctx.tenant.id, user.id);
      if (membership)
        await ctxAuth.adapter.delete({
          model: "member",
          where: [{ field: "id", value: membership.memberId }],
        });
      // A platform administrator's account outlives its tenant memberships.
      if (!user.globalRoles.includes("admin") && (await queries.tenantCount(user.id)) === 0) {
        await ctxAuth.internalAdapter.deleteUserSessions(user.id);
        await ctxAuth.internalAdapter.deleteAccounts(user.id);
        await ctxAuth.internalAdapter.deleteUser(user.id);
      }
      logger.info({ tenantId: ctx.tenant.id, userId: user.id }, "user removed from tenant");
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
