/**
 * One Cedar decision per /v1 operation: anonymous → 401, deny → 403 with the deciding rules' notices. An API
 * key's request is decided twice, for the key and for the person who created it (as that person stands now),
 * so a key never does what its creator could not: its roles are capped to the creator's
 * (src/identity/api-keys/creator-rights.ts), and the tenant's rules about that person bind the key too.
 */
import type { AuthzPrincipal, AuthzRequest } from "../authz/model.ts";
import type { Authorizer } from "../authz/service.ts";
import type { V1Context } from "./context.ts";
import { V1Errors } from "./errors.ts";
import type { PolicyService } from "./policies/service.ts";

export type Guard = (ctx: V1Context, request: (actor: AuthzPrincipal) => AuthzRequest) => Promise<void>;

export function createGuard(deps: {
  authorizer: () => Authorizer;
  policies: PolicyService;
  /** The creator of a key as a principal, with its current rights; null when gone. */
  keyCreator: (keyId: string) => Promise<AuthzPrincipal | null>;
}): Guard {
  return async (ctx, request) => {
    const { actor } = ctx;
    if (!actor) throw V1Errors.unauthenticated();
    // The stored version makes a rule change on any node visible here at the next request.
    const version = ctx.policyVersion ?? (await deps.policies.version(ctx.tenant.id));
    const decide = (principal: AuthzPrincipal) =>
      deps.authorizer().authorize(ctx.tenant.id, request(principal), { version });
    const decision = await decide(actor);
    if (!decision.allowed) throw V1Errors.forbidden(decision.notices);
    if (actor.type !== "ApiKey") return;
    // The creator as read with the key by this request (src/auth/principal.ts), else read now.
    const principal = ctx.principal;
    const creator =
      principal?.kind === "apiKey" && principal.keyId === actor.id
        ? principal.creator
        : await deps.keyCreator(actor.id);
    if (!creator) throw V1Errors.forbidden();
    const onBehalf = await decide(creator);
    if (!onBehalf.allowed) throw V1Errors.forbidden(onBehalf.notices);
  };
}
