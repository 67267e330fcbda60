/** Who acts on which tenant: what every tenant-scoped operation of the core takes (resolved by src/http/pipeline). */
import type { Principal } from "../auth/principal.ts";
import type { AuthzPrincipal } from "../authz/model.ts";
import type { Tenant } from "./tenants/service.ts";

export interface V1Context {
  readonly principal: Principal | null;
  readonly tenant: Tenant;
  /** The caller as the authorizer sees it in this tenant; null when anonymous. */
  readonly actor: AuthzPrincipal | null;
}
