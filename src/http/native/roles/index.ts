/** /v1/roles: a tenant's role catalogue (owner, admin, user, plus the tenant's own), over src/identity/roles. */
import { Elysia, t } from "elysia";
import { ROLE_DESCRIPTION_MAX, ROLE_NAME_PATTERN } from "../../../identity/roles/service.ts";
import type { TenantRole } from "../../../identity/tenants/service.ts";
import type { V1Services } from "../../services.ts";
import { ErrorBody } from "../users/model.ts";

const Role = t.Object(
  { name: t.String(), description: t.Nullable(t.String()), built_in: t.Boolean() },
  { title: "Role" },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ["Users"];

const render = (role: TenantRole) => ({
  name: role.name,
  description: role.description,
  built_in: role.builtIn,
});

export function rolesModule(services: V1Services) {
  const { roles, resolveContext } = services;
  return new Elysia({ name: "roles", prefix: "/v1/roles" })
    .get(
      "",
      async ({ request }) => ({
        data: (await roles.list(await resolveContext(request.headers))).map(render),
      }),
      {
        response: { 200: t.Object({ data: t.Array(Role) }), ...errors },
        detail: { tags, summary: "List the tenant's roles" },
      },
    )
    .post(
      "",
      async ({ body, request, set }) => {
        const role = await roles.create(await resolveContext(request.headers), body);
        set.status = 201;
        return render(role);
      },
      {
        body: t.Object({
          name: t.String({ pattern: ROLE_NAME_PATTERN, description: "Lower-case letters, digits, - and _" }),
          description: t.Optional(t.Nullable(t.String({ maxLength: ROLE_DESCRIPTION_MAX }))),
        }),
        response: { 201: Role, ...errors },
        detail: { tags, summary: "Add a role to the tenant's catalogue" },
      },
    )
    .delete(
      "/:name",
      async ({ params, request, set }) => {
        await roles.remove(await resolveContext(request.headers), params.name);
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
