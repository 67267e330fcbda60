/**
 * What every surface is handed: the identity core plus the request-bound resolvers of the pipeline (who is
 * calling, on which tenant), built once per app.
 */
import type { Auth } from "../auth/index.ts";
import { createPrincipalResolver } from "../auth/principal.ts";
import { clientOf } from "../identity/audit/actor.ts";
import { createIdentity, type IdentityDeps } from "../identity/index.ts";
import { createContextResolver } from "./pipeline/tenant-context.ts";

/** Actions on a whole tenant that take no context. */
type TenantWideAction =
  | "roles.list"
  | "apiKeys.list"
  | "policies.list"
  | "policies.create"
  | "audit.list"
  | "audit.listAll";

export function createV1Services(deps: IdentityDeps & { readonly auth: Auth }) {
  const identity = createIdentity(deps);
  const { tenants, apiKeys, authorize } = identity;
  const resolvePrincipal = createPrincipalResolver({
    auth: deps.auth,
    db: deps.db,
    verifyApiKey: apiKeys.verify,
  });
  const resolveContext = createContextResolver({ resolvePrincipal, tenants });
  /** Resolves the caller and tenant, then decides an action on the tenant as a whole (list, create a rule). */
  async function authorizeOnTenant(headers: Headers, action: TenantWideAction) {
    const ctx = await resolveContext(headers);
    await authorize(ctx, (actor) => ({
      principal: actor,
      action,
      resource: { type: "Tenant", id: ctx.tenant.id },
    }));
    return ctx;
  }
  /** The caller of a platform-wide request (GeoLens, Hasura), as the account service takes it. */
  async function resolvePlatformContext(headers: Headers) {
    return {
      ...(await identity.platformContext(await resolvePrincipal(headers))),
      client: clientOf(headers),
    };
  }
  return { ...identity, authorizeOnTenant, resolvePrincipal, resolveContext, resolvePlatformContext };
}

export type V1Services = ReturnType<typeof createV1Services>;
