/** /v1/roles: a tenant's role catalogue (owner, admin, user, plus the tenant's own). */
import { Elysia, t } from "elysia";
import { auditBy } from "../../../identity/audit/actor.ts";
import { V1Errors } from "../../../identity/errors.ts";
import { BASE_TENANT_ROLES } from "../../../identity/tenants/service.ts";
import type { V1Services } from "../../services.ts";
import { ErrorBody } from "../users/model.ts";

const Role = t.Object(
  { name: t.String(), description: t.Nullable(t.String()), built_in: t.Boolean() },
  { title: "Role" },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ["Users"];
const ROLE_NAME = "^[a-z][a-z0-9_-]{0,63}$";

export function rolesModule(services: V1Services) {
  const { tenants, authorize, authorizeOnTenant, resolveContext, audit } = services;
  return new Elysia({ name: "roles", prefix: "/v1/roles" })
    .get(
      "",
      async ({ request }) => {
        const ctx = await authorizeOnTenant(request.headers, "roles.list");
        const roles = await tenants.listRoles(ctx.tenant.id);
        return {
          data: roles.map((r) => ({ name: r.name, description: r.description, built_in: r.builtIn })),
        };
      },
      {
        response: { 200: t.Object({ data: t.Array(Role) }), ...errors },
        detail: { tags, summary: "List the tenant's roles" },
      },
    )
    .post(
      "",
      async ({ body, request, set }) => {
        const ctx = await resolveContext(request.headers);
        await authorize(ctx, (actor) => ({
          principal: actor,
          action: "roles.create",
          resource: { type: "Tenant", id: ctx.tenant.id },
          context: { role: body.name },
        }));
        if (!(await tenants.createRole(ctx.tenant.id, body.name, body.description ?? null)))
          throw V1Errors.roleExists();
        await audit.record({
          ...auditBy(ctx),
          type: "role.created",
          subjectType: "role",
          subjectId: body.name,
        });
        set.status = 201;
        return { name: body.name, description: body.description ?? null, built_in: false };
      },
      {
        body: t.Object({
          name: t.String({ pattern: ROLE_NAME, description: "Lower-case letters, digits, - and _" }),
          description: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
        }),
        response: { 201: Role, ...errors },
        detail: { tags, summary: "Add a role to the tenant's catalogue" },
      },
    )
    .delete(
      "/:name",
      async ({ params, request, set }) => {
        const ctx = await resolveContext(request.headers);
        await authorize(ctx, (actor) => ({
          principal: actor,
          action: "roles.delete",
          resource: { type: "Role", name: params.name, tenantId: ctx.tenant.id },
        }));
        if ((BASE_TENANT_ROLES as readonly string[]).includes(params.name)) {
          throw V1Errors.builtInRole(params.name);
        }
        const holders = await tenants.countRoleHolders(ctx.tenant.id, params.name);
        if (holders > 0) throw V1Errors.roleInUse(holders);
        if (!(await tenants.deleteRole(ctx.tenant.id, params.name))) throw V1Errors.notFound("role");
        await audit.record({
          ...auditBy(ctx),
          type: "role.deleted",
          subjectType: "role",
          subjectId: params.name,
        });
        set.status = 204;
        return null;
      },
      {
        params: t.Object({ name: t.String({ maxLength: 64 }) }),
        response: { 204: t.Null(), ...errors },
        detail: { tags, summary: "Remove a role that no member holds" },
      },
    );
}
