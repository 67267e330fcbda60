/**
 * Resolves, once per /v1 request, who is calling (the Principal) and on which tenant: `X-Tenant-ID` (id or
 * slug), else the credential's tenant (an API key's, a session's active organization), else `default`. A
 * header naming a tenant the credential does not belong to is 403 tenant_mismatch; an unknown one, 404 — except
 * for an anonymous caller, who gets the 401 it gets for a tenant that exists, so that tenant ids and slugs cannot
 * be enumerated without a credential.
 */

import type { Principal, PrincipalResolver } from "../../auth/principal.ts";
import type { AuthzPrincipal } from "../../authz/model.ts";
import { clientOf } from "../../identity/audit/actor.ts";
import type { V1Context } from "../../identity/context.ts";
import { V1Errors } from "../../identity/errors.ts";
import type { TenantScope } from "../../identity/tenants/scope.ts";
import type { TenantService } from "../../identity/tenants/service.ts";
import { DEFAULT_TENANT_SLUG } from "../../identity/tenants/service.ts";

export function createContextResolver(deps: { resolvePrincipal: PrincipalResolver; tenants: TenantService }) {
  const { resolvePrincipal, tenants } = deps;

  async function scopeFor(principal: Principal | null, header: string | null): Promise<TenantScope> {
    const userId = principal?.kind === "user" ? principal.userId : null;
    if (header) {
      const scope = await tenants.scope(header, userId);
      // An API key learns nothing about other tenants: a mismatch is reported before existence.
      if (principal?.kind === "apiKey" && scope?.tenant.id !== principal.tenantId)
        throw V1Errors.tenantMismatch();
      if (!scope && principal === null) throw V1Errors.unauthenticated();
      if (!scope) throw V1Errors.notFound("tenant");
      return scope;
    }
    const own =
      principal?.kind === "apiKey"
        ? principal.tenantId
        : principal?.kind === "user"
          ? principal.activeTenantId
          : null;
    const scope = await tenants.scope(own ?? DEFAULT_TENANT_SLUG, userId);
    if (!scope) throw V1Errors.notFound("tenant");
    return scope;
  }

  return async function resolveContext(headers: Headers): Promise<V1Context> {
    const principal = await resolvePrincipal(headers);
    const header = headers.get("x-tenant-id")?.trim() || null;
    const { tenant, membership, policyVersion } = await scopeFor(principal, header);
    let actor: AuthzPrincipal | null = null;
    if (principal?.kind === "apiKey") {
      actor = { type: "ApiKey", id: principal.keyId, tenantId: principal.tenantId, roles: principal.roles };
    } else if (principal?.kind === "user") {
      // A suspended member acts as a non-member (the tenant service's `membership` rule).
      const member = membership?.status === "active" ? membership : null;
      // A user names only tenants it belongs to; platform admins may name any.
      if (header && !member && !principal.isPlatformAdmin) throw V1Errors.tenantMismatch();
      actor = {
        type: "User",
        id: principal.userId,
        // A non-member (only a platform admin gets this far without membership) acts from outside the tenant.
        tenantId: member ? tenant.id : "",
        roles: member?.roles ?? [],
        isPlatformAdmin: principal.isPlatformAdmin,
      };
    }
    return { principal, tenant, actor, client: clientOf(headers), policyVersion };
  };
}

export type ContextResolver = ReturnType<typeof createContextResolver>;
