/**
 * The Cedar questions of the account service, one per operation: on a user as a member of the request's tenant
 * (TenantUser, the tenant's roles) or on the platform-wide account (Account; src/authz/policies/accounts.cedar
 * leaves those to platform admins and, for reading and its own name and avatar, the account itself).
 */
import type { AccountField, UserField } from "../../authz/model.ts";
import type { V1Context } from "../context.ts";
import type { Guard } from "../guard.ts";
import type { TenantUserView } from "./view.ts";

interface Target {
  readonly id: string;
  readonly isPlatformAdmin: boolean;
}

function tenantUser(user: TenantUserView) {
  return {
    type: "TenantUser",
    userId: user.id,
    tenantId: user.tenantId,
    roles: user.roles,
    isOwner: user.isOwner,
  } as const;
}

function account(ctx: V1Context, target: Target) {
  return {
    type: "Account",
    userId: target.id,
    tenantId: ctx.tenant.id,
    isPlatformAdmin: target.isPlatformAdmin,
  } as const;
}

export function createAccountDecisions(authorize: Guard) {
  const onTenant = (ctx: V1Context) => ({ type: "Tenant", id: ctx.tenant.id }) as const;
  return {
    // ---- the tenant's: a membership ----
    listMembers: (ctx: V1Context) =>
      authorize(ctx, (principal) => ({ principal, action: "users.list", resource: onTenant(ctx) })),
    createMember: (ctx: V1Context, roles: readonly string[]) =>
      authorize(ctx, (principal) => ({
        principal,
        action: "users.create",
        resource: onTenant(ctx),
        context: { roles },
      })),
    readMember: (ctx: V1Context, user: TenantUserView) =>
      authorize(ctx, (principal) => ({ principal, action: "users.read", resource: tenantUser(user) })),
    updateMember: (
      ctx: V1Context,
      user: TenantUserView,
      changes: readonly UserField[],
      roles: readonly string[],
    ) =>
      authorize(ctx, (principal) => ({
        principal,
        action: "users.update",
        resource: tenantUser(user),
        context: { changes, roles },
      })),
    removeMember: (ctx: V1Context, user: TenantUserView) =>
      authorize(ctx, (principal) => ({ principal, action: "users.delete", resource: tenantUser(user) })),

    // ---- the platform's: the account ----
    listAccounts: (ctx: V1Context) =>
      authorize(ctx, (principal) => ({ principal, action: "accounts.list", resource: onTenant(ctx) })),
    createAccount: (ctx: V1Context) =>
      authorize(ctx, (principal) => ({ principal, action: "accounts.create", resource: onTenant(ctx) })),
    readAccount: (ctx: V1Context, target: Target) =>
      authorize(ctx, (principal) => ({ principal, action: "accounts.read", resource: account(ctx, target) })),
    updateAccount: (ctx: V1Context, target: Target, changes: readonly AccountField[]) =>
      authorize(ctx, (principal) => ({
        principal,
        action: "accounts.update",
        resource: account(ctx, target),
        context: { changes },
      })),
    deleteAccount: (ctx: V1Context, target: Target) =>
      authorize(ctx, (principal) => ({
        principal,
        action: "accounts.delete",
        resource: account(ctx, target),
      })),
  };
}

export type AccountDecisions = ReturnType<typeof createAccountDecisions>;
