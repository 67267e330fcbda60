/**
 * A tenant's role catalogue as an actor changes it: every rule about a tenant role lives here (Cedar decides
 * who may, the built-in roles stay, a role someone holds cannot be removed), so /v1/roles and the admin console
 * call one place and cannot drift. The rows themselves are the tenant service's (src/identity/tenants/service.ts).
 */

import { auditBy } from "../audit/actor.ts";
import type { AuditService } from "../audit/service.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import type { Guard } from "../guard.ts";
import { BASE_TENANT_ROLES, type createTenantService, type TenantRole } from "../tenants/service.ts";

/** The shape of a role name (lower-case letters, digits, - and _), as the /v1 body schema declares it. */
export const ROLE_NAME_PATTERN = "^[a-z][a-z0-9_-]{0,63}$";
const ROLE_NAME = new RegExp(ROLE_NAME_PATTERN);
/** The longest description kept, as the /v1 body schema bounds it. */
export const ROLE_DESCRIPTION_MAX = 500;

export interface RoleInput {
  readonly name: string;
  readonly description?: string | null;
}

export function isBuiltInTenantRole(name: string): boolean {
  return (BASE_TENANT_ROLES as readonly string[]).includes(name);
}

export function createRoleService(deps: {
  tenants: ReturnType<typeof createTenantService>;
  authorize: Guard;
  audit: AuditService;
}) {
  const { tenants, authorize, audit } = deps;
  return {
    /** The tenant's catalogue, when the actor may list it. */
    async list(ctx: V1Context): Promise<TenantRole[]> {
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "roles.list",
        resource: { type: "Tenant", id: ctx.tenant.id },
      }));
      return tenants.listRoles(ctx.tenant.id);
    },

    async create(ctx: V1Context, input: RoleInput): Promise<TenantRole> {
      const description = input.description ?? null;
      // The HTTP schemas check the shape too; the core checks it again so that no caller stores a name /v1 refuses.
      if (!ROLE_NAME.test(input.name))
        throw V1Errors.invalidRequest("name must match ^[a-z][a-z0-9_-]{0,63}$", { field: "name" });
      if (description !== null && description.length > ROLE_DESCRIPTION_MAX)
        throw V1Errors.invalidRequest(`description is at most ${ROLE_DESCRIPTION_MAX} characters`, {
          field: "description",
        });
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "roles.create",
        resource: { type: "Tenant", id: ctx.tenant.id },
        context: { role: input.name },
      }));
      if (!(await tenants.createRole(ctx.tenant.id, input.name, description))) throw V1Errors.roleExists();
      await audit.record({
        ...auditBy(ctx),
        type: "role.created",
        subjectType: "role",
        subjectId: input.name,
      });
      return { name: input.name, description, builtIn: false };
    },

    /** Removes a role of the tenant's own that no member holds. */
    async remove(ctx: V1Context, name: string): Promise<void> {
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "roles.delete",
        resource: { type: "Role", name, tenantId: ctx.tenant.id },
      }));
      if (isBuiltInTenantRole(name)) throw V1Errors.builtInRole(name);
      const holders = await tenants.countRoleHolders(ctx.tenant.id, name);
      if (holders > 0) throw V1Errors.roleInUse(holders);
      if (!(await tenants.deleteRole(ctx.tenant.id, name))) throw V1Errors.notFound("role");
      await audit.record({ ...auditBy(ctx), type: "role.deleted", subjectType: "role", subjectId: name });
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
