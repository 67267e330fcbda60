/**
 * API keys as an actor creates and revokes them: Cedar's decision, the roles-present check, the expiry bounds,
 * the person a key answers to and the audit record — in one place, so /v1/api-keys and the admin console cannot
 * drift. The key store itself is service.ts.
 */
import type { Principal } from "../../auth/principal.ts";
import { auditBy } from "../audit/actor.ts";
import type { AuditService } from "../audit/service.ts";
import type { V1Context } from "../context.ts";
import { V1Errors } from "../errors.ts";
import type { Guard } from "../guard.ts";
import type { createTenantService } from "../tenants/service.ts";
import {
  API_KEY_MAX_TTL_DAYS,
  type ApiKey,
  type createApiKeyService,
  latestApiKeyExpiry,
} from "./service.ts";

export interface NewApiKey {
  readonly name: string;
  readonly roles: readonly string[];
  /** Unset: the service's default lifetime. */
  readonly expiresAt?: Date | undefined;
}

export function createApiKeyActions(deps: {
  apiKeys: ReturnType<typeof createApiKeyService>;
  tenants: ReturnType<typeof createTenantService>;
  authorize: Guard;
  audit: AuditService;
}) {
  const { apiKeys, tenants, authorize, audit } = deps;

  /** The person a new key answers to: the signed-in creator, or the creator of the key that creates it. */
  async function answerableUser(principal: Principal | null): Promise<string> {
    if (principal?.kind === "user") return principal.userId;
    const parent =
      principal?.kind === "apiKey" ? await apiKeys.get(principal.tenantId, principal.keyId) : null;
    // Unreachable: an authorized caller is a user or a live key, and a live key has a creator.
    if (!parent?.createdBy) throw V1Errors.unauthenticated();
    return parent.createdBy;
  }

  return {
    async create(ctx: V1Context, input: NewApiKey): Promise<{ key: ApiKey; raw: string }> {
      const roles = [...new Set(input.roles)];
      if (roles.length === 0)
        throw V1Errors.invalidRequest("At least one role is required", { field: "roles" });
      await authorize(ctx, (actor) => ({
        principal: actor,
        action: "apiKeys.create",
        resource: { type: "Tenant", id: ctx.tenant.id },
        context: { roles },
      }));
      const catalogue = await tenants.roleNames(ctx.tenant.id);
      const invalid = roles.filter((role) => !catalogue.has(role));
      if (invalid.length > 0) throw V1Errors.invalidRoles(invalid);
      const { expiresAt } = input;
      if (
        expiresAt &&
        (Number.isNaN(expiresAt.getTime()) ||
          expiresAt.getTime() <= Date.now() ||
          expiresAt > latestApiKeyExpiry())
      ) {
        throw V1Errors.invalidRequest(
          `expires_at must be a date-time in the next ${API_KEY_MAX_TTL_DAYS} days`,
          {
            field: "expires_at",
          },
        );
      }
      const createdBy = await answerableUser(ctx.principal);
      const created = await apiKeys.create({
        tenantId: ctx.tenant.id,
        name: input.name,
        roles,
        createdBy,
        ...(expiresAt ? { expiresAt } : {}),
      });
      await audit.record({
        ...auditBy(ctx),
        type: "api_key.created",
        subjectType: "api_key",
        subjectId: created.key.id,
        details: { roles, name: input.name },
      });
      return created;
    },

    async revoke(ctx: V1Context, id: string): Promise<void> {
      const key = await apiKeys.get(ctx.tenant.id, id);
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
    },
  };
}
