/** Builds the services behind the /v1 API once per app, from the process-wide dependencies. */
import { createPrincipalResolver } from "../../auth/principal.ts";
import { type Authorizer, createAuthorizer } from "../../authz/service.ts";
import type { Deps } from "../../deps.ts";
import { createApiKeyService } from "../api-keys/service.ts";
import { createPolicyService } from "../policies/service.ts";
import { createTenantService } from "../tenants/service.ts";
import { createAccountService } from "../users/accounts.ts";
import { createUserQueries } from "../users/queries.ts";
import { createUsersService } from "../users/service.ts";
import { createContextResolver } from "./context.ts";
import { createGuard } from "./guard.ts";

/** Actions on a whole tenant that take no context. */
type TenantWideAction = "roles.list" | "apiKeys.list" | "policies.list" | "policies.create";

export function createV1Services(deps: Deps) {
  const { auth, db, logger, config } = deps;
  const tenants = createTenantService({ auth, db, extraDefaultRoles: config.defaultTenantRoles });
  const apiKeys = createApiKeyService({ db });
  let authorizer: Authorizer | undefined;
  const policies = createPolicyService({ db, authorizer: () => getAuthorizer() });
  function getAuthorizer(): Authorizer {
    authorizer ??= createAuthorizer({ logger, loadRules: (tenantId) => policies.loadRules(tenantId) });
    return authorizer;
  }
  const authorize = createGuard({ authorizer: getAuthorizer, policies });
  const resolvePrincipal = createPrincipalResolver({ auth, apiKeys });
  const resolveContext = createContextResolver({ resolvePrincipal, tenants });
  const users = createUsersService({
    auth,
    tenants,
    queries: createUserQueries(db),
    authorize,
    logger,
    signUpEnabled: config.signUpEnabled,
  });
  const accounts = createAccountService({ auth, db, tenants });
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
  return {
    tenants,
    apiKeys,
    policies,
    authorize,
    authorizeOnTenant,
    users,
    accounts,
    resolvePrincipal,
    resolveContext,
  };
}

export type V1Services = ReturnType<typeof createV1Services>;
