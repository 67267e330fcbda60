/** One Cedar decision per /v1 operation: anonymous → 401, deny → 403 with the deciding rules' notices. */
import type { AuthzPrincipal, AuthzRequest } from "../authz/model.ts";
import type { Authorizer } from "../authz/service.ts";
import type { V1Context } from "./context.ts";
import { V1Errors } from "./errors.ts";
import type { PolicyService } from "./policies/service.ts";

export type Guard = (ctx: V1Context, request: (actor: AuthzPrincipal) => AuthzRequest) => Promise<void>;

export function createGuard(deps: { authorizer: () => Authorizer; policies: PolicyService }): Guard {
  return async (ctx, request) => {
    if (!ctx.actor) throw V1Errors.unauthenticated();
    // The stored version makes a rule change on any node visible here at the next request.
    const version = await deps.policies.version(ctx.tenant.id);
    const decision = await deps.authorizer().authorize(ctx.tenant.id, request(ctx.actor), { version });
    if (!decision.allowed) throw V1Errors.forbidden(decision.notices);
  };
}
