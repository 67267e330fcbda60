/**
 * Who may use the console, and on which tenant. The console decides nothing itself: it resolves the browser's
 * session into the same Principal and V1Context as /v1 (src/http/pipeline/tenant-context.ts) — the tenant of
 * a page is its path's, passed on as `X-Tenant-ID` — and every action goes through the identity core, whose
 * Cedar decision refuses with the deciding rules' notices. So a tenant admin who types another tenant's URL
 * gets the refusal /v1 gives them (403 tenant_mismatch), not a page the console forgot to hide.
 */
import type { Principal } from "../../../auth/principal.ts";
import type { V1Context } from "../../../identity/context.ts";
import { DEFAULT_TENANT_SLUG, type Tenant } from "../../../identity/tenants/service.ts";
import type { V1Services } from "../../services.ts";
import type { PageContext, Pages } from "../context.ts";

/** Roles that make a member a manager of their tenant in the console (src/authz/policies/tenant-admins.cedar). */
export const MANAGER_ROLES = ["owner", "admin"] as const;

export interface Operator {
  readonly principal: Extract<Principal, { kind: "user" }>;
  readonly isPlatformAdmin: boolean;
  /** The tenants this person manages (all of their memberships with a manager role). */
  readonly managed: readonly Tenant[];
}

export type AdminServices = V1Services;

/** The request's headers with the tenant of the page, as a /v1 client would send them. */
export function headersFor(request: Request, tenant: string): Headers {
  const headers = new Headers(request.headers);
  // The console acts only with the browser's session: a key or bearer token on a page request is not its own.
  headers.delete("x-api-key");
  headers.delete("authorization");
  headers.set("x-tenant-id", tenant);
  return headers;
}

export function createAccess(pages: Pages, services: AdminServices) {
  const { tenants } = services;

  /** The signed-in operator, or undefined when nobody (usable) is signed in. */
  async function operator(request: Request): Promise<Operator | undefined> {
    const principal = await services.resolvePrincipal(headersFor(request, DEFAULT_TENANT_SLUG));
    if (principal?.kind !== "user") return undefined;
    const managed: Tenant[] = [];
    for (const id of await tenants.tenantsOf(principal.userId)) {
      const membership = await tenants.membership(id, principal.userId);
      if (!membership || membership.status === "suspended") continue;
      if (!membership.roles.some((role) => (MANAGER_ROLES as readonly string[]).includes(role))) continue;
      const tenant = await tenants.findTenant(id);
      if (tenant) managed.push(tenant);
    }
    return { principal, isPlatformAdmin: principal.isPlatformAdmin, managed };
  }

  return {
    operator,
    /** The /v1 context of the page's tenant (throws the refusal /v1 would answer). */
    tenantContext(request: Request, tenant: string): Promise<V1Context> {
      return services.resolveContext(headersFor(request, tenant));
    },
    /** Where an anonymous visitor is sent: sign-in, then back to the page asked for. */
    signInPath(ctx: PageContext): string {
      return `/sign-in?redirect_to=${encodeURIComponent(`${ctx.url.pathname}${ctx.url.search}`)}`;
    },
    pages,
  };
}

export type Access = ReturnType<typeof createAccess>;
