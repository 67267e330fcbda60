/** /v1/api-keys: tenant-bound keys for automation. The raw key is in the creation response only. */
import { Elysia, t } from "elysia";
import type { Principal } from "../../../auth/principal.ts";
import {
  API_KEY_DEFAULT_TTL_DAYS,
  API_KEY_MAX_TTL_DAYS,
  type ApiKey,
  latestApiKeyExpiry,
} from "../../../identity/api-keys/service.ts";
import { auditBy } from "../../../identity/audit/actor.ts";
import { V1Errors } from "../../../identity/errors.ts";
import type { V1Services } from "../../services.ts";
import { ErrorBody } from "../users/model.ts";

const ApiKeyBody = t.Object(
  {
    id: t.String(),
    name: t.String(),
    prefix: t.String({ description: "First characters of the key, to recognise it" }),
    roles: t.Array(t.String()),
    created_at: t.String({ format: "date-time" }),
    expires_at: t.Nullable(t.String({ format: "date-time" })),
    last_used_at: t.Nullable(t.String({ format: "date-time" })),
    revoked_at: t.Nullable(t.String({ format: "date-time" })),
  },
  { title: "ApiKey" },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };
const tags = ["Users"];

function render(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    roles: [...key.roles],
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

export function apiKeysModule(services: V1Services) {
  const { apiKeys, tenants, authorize, authorizeOnTenant, resolveContext, audit } = services;
  /** The person a new key answers to: the signed-in creator, or the creator of the key that creates it. */
  async function answerableUser(principal: Principal | null): Promise<string> {
    if (principal?.kind === "user") return principal.userId;
    const parent =
      principal?.kind === "apiKey" ? await apiKeys.get(principal.tenantId, principal.keyId) : null;
    // Unreachable: an authorized caller is a user or a live key, and a live key has a creator.
    if (!parent?.createdBy) throw V1Errors.unauthenticated();
    return parent.createdBy;
  }
  return new Elysia({ name: "api-keys", prefix: "/v1/api-keys" })
    .get(
      "",
      async ({ request }) => {
        const ctx = await authorizeOnTenant(request.headers, "apiKeys.list");
        return { data: (await apiKeys.list(ctx.tenant.id)).map(render) };
      },
      {
        response: { 200: t.Object({ data: t.Array(ApiKeyBody) }), ...errors },
        detail: { tags, summary: "List API keys" },
      },
    )
    .post(
      "",
      async ({ body, request, set }) => {
        const ctx = await resolveContext(request.headers);
        const roles = [...new Set(body.roles)];
        await authorize(ctx, (actor) => ({
          principal: actor,
          action: "apiKeys.create",
          resource: { type: "Tenant", id: ctx.tenant.id },
          context: { roles },
        }));
        const catalogue = await tenants.roleNames(ctx.tenant.id);
        const invalid = roles.filter((role) => !catalogue.has(role));
        if (invalid.length > 0) throw V1Errors.invalidRoles(invalid);
        const expiresAt = body.expires_at === undefined ? undefined : new Date(body.expires_at);
        if (
          expiresAt &&
          (Number.isNaN(expiresAt.getTime()) ||
            expiresAt.getTime() <= Date.now() ||
            expiresAt > latestApiKeyExpiry())
        ) {
          throw V1Errors.invalidRequest(
            `expires_at must be a date-time in the next ${API_KEY_MAX_TTL_DAYS} days`,
            { field: "expires_at" },
          );
        }
        const createdBy = await answerableUser(ctx.principal);
        const { key, raw } = await apiKeys.create({
          tenantId: ctx.tenant.id,
          name: body.name,
          roles,
          createdBy,
          expiresAt,
        });
        await audit.record({
          ...auditBy(ctx),
          type: "api_key.created",
          subjectType: "api_key",
          subjectId: key.id,
          details: { roles, name: body.name },
        });
        set.status = 201;
        return { ...render(key), key: raw };
      },
      {
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 100 }),
          roles: t.Array(t.String({ maxLength: 64 }), { minItems: 1, maxItems: 20 }),
          expires_at: t.Optional(
            t.String({
              format: "date-time",
              description: `Default: ${API_KEY_DEFAULT_TTL_DAYS} days from now; at most ${API_KEY_MAX_TTL_DAYS} days ahead`,
            }),
          ),
        }),
        response: {
          201: t.Composite([ApiKeyBody, t.Object({ key: t.String({ description: "Shown once" }) })]),
          ...errors,
        },
        detail: { tags, summary: "Create an API key (the key is shown once)" },
      },
    )
    .delete(
      "/:id",
      async ({ params, request, set }) => {
        const ctx = await resolveContext(request.headers);
        const key = await apiKeys.get(ctx.tenant.id, params.id);
        if (!key) throw V1Errors.notFound("api_key");
        await authorize(ctx, (actor) => ({
          principal: actor,
          action: "apiKeys.revoke",
          resource: { type: "ApiKey", id: key.id, tenantId: key.tenantId, roles: key.roles },
        }));
        await apiKeys.revoke(ctx.tenant.id, key.id);
        await audit.record({
          ...auditBy(ctx),
          type: "api_key.revoked",
          subjectType: "api_key",
          subjectId: key.id,
        });
        set.status = 204;
        return null;
      },
      {
        params: t.Object({ id: t.String({ maxLength: 64 }) }),
        response: { 204: t.Null(), ...errors },
        detail: { tags, summary: "Revoke an API key" },
      },
    );
}
