/**
 * AuthzRequest → the principal, action, resource, context and entities of a Cedar call, in the shape
 * schema.cedarschema declares. Pure; Cedar validates the result against the schema on every call.
 */
import type { Context, EntityJson, EntityUidJson } from "@cedar-policy/cedar-wasm/nodejs";
import type { AuthzPrincipal, AuthzRequest, AuthzResource } from "./model.ts";

export const NAMESPACE = "Gatehouse";

/**
 * Built-in ranks of the tenant role catalogue: an owner also holds `admin` and `user`, an admin also holds
 * `user`. Every `roles` attribute of an entity carries these effective roles, so "grant only roles you hold"
 * lets an admin give a new member the base role `user`, and a rule about admins also covers the owner.
 */
const IMPLIED_ROLES: Readonly<Record<string, readonly string[]>> = {
  owner: ["admin", "user"],
  admin: ["user"],
};

export function effectiveRoles(roles: readonly string[]): string[] {
  const all = new Set(roles);
  for (const role of roles) for (const implied of IMPLIED_ROLES[role] ?? []) all.add(implied);
  return [...all];
}

export interface CedarRequest {
  readonly principal: EntityUidJson;
  readonly action: EntityUidJson;
  readonly resource: EntityUidJson;
  readonly context: Context;
  readonly entities: EntityJson[];
}

function uid(type: string, id: string): { type: string; id: string } {
  return { type: `${NAMESPACE}::${type}`, id };
}

function tenantEntity(tenantId: string): EntityJson {
  return { uid: uid("Tenant", tenantId), attrs: {}, parents: [] };
}

function principalEntity(principal: AuthzPrincipal): EntityJson {
  const tenant = uid("Tenant", principal.tenantId);
  const attrs: EntityJson["attrs"] = { tenant: { __entity: tenant }, roles: effectiveRoles(principal.roles) };
  if (principal.type === "User") attrs.isPlatformAdmin = principal.isPlatformAdmin;
  return { uid: uid(principal.type, principal.id), attrs, parents: [tenant] };
}

function resourceEntity(resource: AuthzResource): EntityJson {
  if (resource.type === "Tenant") return tenantEntity(resource.id);
  const tenant = uid("Tenant", resource.tenantId);
  const parents = [tenant];
  switch (resource.type) {
    case "TenantUser":
      return {
        uid: uid("TenantUser", resource.userId),
        attrs: {
          tenant: { __entity: tenant },
          user: { __entity: uid("User", resource.userId) },
          roles: effectiveRoles(resource.roles),
          isOwner: resource.isOwner,
        },
        parents,
      };
    case "Account":
      return {
        uid: uid("Account", resource.userId),
        attrs: {
          tenant: { __entity: tenant },
          user: { __entity: uid("User", resource.userId) },
          isPlatformAdmin: resource.isPlatformAdmin,
        },
        parents,
      };
    case "Role":
      return { uid: uid("Role", resource.name), attrs: { tenant: { __entity: tenant } }, parents };
    case "Policy":
      return { uid: uid("Policy", resource.id), attrs: { tenant: { __entity: tenant } }, parents };
    case "ApiKey":
      return {
        uid: uid("ApiKey", resource.id),
        attrs: { tenant: { __entity: tenant }, roles: effectiveRoles(resource.roles) },
        parents,
      };
    case "OAuthClient":
      return {
        uid: uid("OAuthClient", resource.id),
        attrs: { tenant: { __entity: tenant }, firstParty: resource.firstParty },
        parents,
      };
  }
}

function contextOf(request: AuthzRequest): Context {
  if (!("context" in request)) return {};
  const context: Context = {};
  for (const [key, value] of Object.entries(request.context)) {
    context[key] = typeof value === "string" || typeof value === "boolean" ? value : [...value];
  }
  return context;
}

export function toCedarRequest(request: AuthzRequest): CedarRequest {
  const principal = principalEntity(request.principal);
  const resource = resourceEntity(request.resource);
  // One entity per uid: the principal may be its own resource (an API key revoking itself), and the tenants
  // of principal and resource are usually the same. The principal's description wins.
  const entities = new Map<string, EntityJson>();
  for (const entity of [
    principal,
    resource,
    tenantEntity(request.principal.tenantId),
    ...(request.resource.type === "Tenant" ? [] : [tenantEntity(request.resource.tenantId)]),
  ]) {
    const key = JSON.stringify(entity.uid);
    if (!entities.has(key)) entities.set(key, entity);
  }
  return {
    principal: principal.uid,
    action: uid("Action", request.action),
    resource: resource.uid,
    context: contextOf(request),
    entities: [...entities.values()],
  };
}
