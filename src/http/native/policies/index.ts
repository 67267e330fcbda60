/** /v1/policies: a tenant's own Cedar rules (validated in strict mode against the schema before storing). */
import { Elysia, t } from "elysia";
import { auditBy } from "../../../identity/audit/actor.ts";
import type { PolicyRule } from "../../../identity/policies/service.ts";
import type { V1Services } from "../../services.ts";
import { ErrorBody } from "../users/model.ts";

const PolicyBody = t.Object(
  {
    id: t.String(),
    policy: t.String({ description: "One Cedar policy" }),
    notice: t.Nullable(t.String({ description: "User-facing message when this rule decides" })),
    description: t.Nullable(t.String()),
    enabled: t.Boolean(),
    priority: t.Integer({ description: "Orders rules in listings and notices; never changes a decision" }),
    created_at: t.String({ format: "date-time" }),
    updated_at: t.String({ format: "date-time" }),
  },
  { title: "Policy" },
);
const Input = {
  notice: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
  description: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
  enabled: t.Optional(t.Boolean()),
  priority: t.Optional(t.Integer({ minimum: -1000000, maximum: 1000000 })),
};
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };
const tags = ["Users"];
const Params = t.Object({ id: t.String({ maxLength: 64 }) });

function render(rule: PolicyRule) {
  return {
    id: rule.id,
    policy: rule.text,
    notice: rule.notice,
    description: rule.description,
    enabled: rule.enabled,
    priority: rule.priority,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  };
}

export function policiesModule(services: V1Services) {
  const { policies, authorize, authorizeOnTenant, resolveContext, audit } = services;
  const onRule = async (headers: Headers, id: string, action: "policies.update" | "policies.delete") => {
    const ctx = await resolveContext(headers);
    const rule = await policies.get(ctx.tenant.id, id);
    await authorize(ctx, (actor) => ({
      principal: actor,
      action,
      resource: { type: "Policy", id: rule.id, tenantId: ctx.tenant.id },
    }));
    return ctx;
  };
  return new Elysia({ name: "policies", prefix: "/v1/policies" })
    .get(
      "",
      async ({ request }) => {
        const ctx = await authorizeOnTenant(request.headers, "policies.list");
        return { data: (await policies.list(ctx.tenant.id)).map(render) };
      },
      {
        response: { 200: t.Object({ data: t.Array(PolicyBody) }), ...errors },
        detail: { tags, summary: "List the tenant's rules" },
      },
    )
    .get(
      "/:id",
      async ({ params, request }) => {
        const ctx = await authorizeOnTenant(request.headers, "policies.list");
        return render(await policies.get(ctx.tenant.id, params.id));
      },
      { params: Params, response: { 200: PolicyBody, ...errors }, detail: { tags, summary: "Get a rule" } },
    )
    .post(
      "",
      async ({ body, request, set }) => {
        const ctx = await authorizeOnTenant(request.headers, "policies.create");
        const rule = await policies.create(ctx.tenant.id, body);
        await audit.record({
          ...auditBy(ctx),
          type: "policy.created",
          subjectType: "policy",
          subjectId: rule.id,
        });
        set.status = 201;
        return render(rule);
      },
      {
        body: t.Object({ policy: t.String({ minLength: 1, maxLength: 20000 }), ...Input }),
        response: { 201: PolicyBody, ...errors },
        detail: { tags, summary: "Add a rule (422 with Cedar's messages when it does not validate)" },
      },
    )
    .put(
      "/:id",
      async ({ params, body, request }) => {
        const ctx = await onRule(request.headers, params.id, "policies.update");
        const rule = await policies.update(ctx.tenant.id, params.id, body);
        await audit.record({
          ...auditBy(ctx),
          type: "policy.updated",
          subjectType: "policy",
          subjectId: rule.id,
        });
        return render(rule);
      },
      {
        params: Params,
        body: t.Object({ policy: t.Optional(t.String({ minLength: 1, maxLength: 20000 })), ...Input }),
        response: { 200: PolicyBody, ...errors },
        detail: { tags, summary: "Change a rule" },
      },
    )
    .delete(
      "/:id",
      async ({ params, request, set }) => {
        const ctx = await onRule(request.headers, params.id, "policies.delete");
        await policies.remove(ctx.tenant.id, params.id);
        await audit.record({
          ...auditBy(ctx),
          type: "policy.deleted",
          subjectType: "policy",
          subjectId: params.id,
        });
        set.status = 204;
        return null;
      },
      { params: Params, response: { 204: t.Null(), ...errors }, detail: { tags, summary: "Remove a rule" } },
    );
}
