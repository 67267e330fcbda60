/**
 * /v1/api-keys: tenant-bound keys for automation, over src/identity/api-keys/actions.ts. The raw key is in the
 * creation response only.
 */
import { Elysia, t } from "elysia";
import {
  API_KEY_DEFAULT_TTL_DAYS,
  API_KEY_MAX_TTL_DAYS,
  type ApiKey,
} from "../../../identity/api-keys/service.ts";
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
  const { apiKeys, apiKeyActions, authorizeOnTenant, resolveContext } = services;
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
        const expiresAt = body.expires_at === undefined ? undefined : new Date(body.expires_at);
        const { key, raw } = await apiKeyActions.create(await resolveContext(request.headers), {
          name: body.name,
          roles: body.roles,
          expiresAt,
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
        await apiKeyActions.revoke(await resolveContext(request.headers), params.id);
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
