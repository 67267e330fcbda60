/** Who acts on which tenant: what every operation of the core takes (resolved by src/http/pipeline). */
import type { Principal } from "../auth/principal.ts";
import type { AuthzPrincipal } from "../authz/model.ts";
import type { Tenant } from "./tenants/service.ts";

/**
 * The caller as the core and Cedar see it. A `User` is a platform admin (`isPlatformAdmin`), a member of the
 * tenant with its roles there, or neither (a platform admin outside the tenant has `tenantId: ""`); the
 * account itself is the User whose id is the target's. An `ApiKey` acts with its own roles in its tenant.
 * Anonymous callers have no actor (null); the system (start-up, better-auth's hooks) acts through the tenant
 * service's own functions (joinDefault, backfillDefaultMemberships), never through a decision.
 */
export type Actor = AuthzPrincipal;

export interface V1Context {
  readonly principal: Principal | null;
  readonly tenant: Tenant;
  /** The caller in this tenant; null when anonymous. */
  readonly actor: Actor | null;
  /** The client's address and user agent, for the audit trail (src/identity/audit/actor.ts). */
  readonly client?: { readonly ip: string | null; readonly userAgent: string | null };
  /**
   * The tenant's policy version, read with the tenant (tenants/scope.ts); the guard reads it itself when a
   * context was made without it.
   */
  readonly policyVersion?: number;
}
