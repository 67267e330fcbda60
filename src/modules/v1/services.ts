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
  return { tenants, apiKeys, policies, authorize, users, accounts, resolvePrincipal, resolveContext };
}

export type V1Services = ReturnType<typeof createV1Services>;
