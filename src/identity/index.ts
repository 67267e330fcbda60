/** Builds the identity core once per app: tenants, accounts, roles, API keys, policies and their guard. */
import type { Auth } from "../auth/index.ts";
import { type Authorizer, createAuthorizer } from "../authz/service.ts";
import type { Db } from "../platform/db/index.ts";
import type { Logger } from "../platform/logger.ts";
import { createUserQueries } from "./accounts/queries.ts";
import { createAccountService } from "./accounts/service.ts";
import { createUsersService } from "./accounts/tenant-users.ts";
import { createApiKeyService } from "./api-keys/service.ts";
import { createGuard } from "./guard.ts";
import { createPolicyService } from "./policies/service.ts";
import { createTenantService } from "./tenants/service.ts";

export interface IdentityDeps {
  readonly auth: Auth;
  readonly db: Db;
  readonly logger: Logger;
  readonly config: { readonly defaultTenantRoles: readonly string[]; readonly signUpEnabled: boolean };
}

export function createIdentity(deps: IdentityDeps) {
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
  const users = createUsersService({
    auth,
    tenants,
    queries: createUserQueries(db),
    authorize,
    logger,
    signUpEnabled: config.signUpEnabled,
  });
  const accounts = createAccountService({ auth, db, tenants });
  return {
    tenants,
    apiKeys,
    policies,
    authorize,
    users,
    accounts,
  };
}

export type Identity = ReturnType<typeof createIdentity>;
