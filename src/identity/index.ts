/** Builds the identity core once per app: tenants, accounts, roles, API keys, OAuth clients, policies, guard. */
import type { Auth } from "../auth/index.ts";
import type { Principal } from "../auth/principal.ts";
import { createAuthorizer } from "../authz/lazy.ts";
import type { Authorizer } from "../authz/service.ts";
import type { Db } from "../platform/db/index.ts";
import type { Logger } from "../platform/logger.ts";
import { createPwnedCheck } from "../platform/password/pwned.ts";
import { createCredentialService } from "./accounts/credentials.ts";
import { createGlobalRoleCatalogue } from "./accounts/global-roles.ts";
import { createUserQueries } from "./accounts/queries.ts";
import { createAccountService } from "./accounts/service.ts";
import { createApiKeyActions } from "./api-keys/actions.ts";
import { createApiKeyService } from "./api-keys/service.ts";
import { createAuditReader } from "./audit/reader.ts";
import type { AuditService } from "./audit/service.ts";
import type { V1Context } from "./context.ts";
import { V1Errors } from "./errors.ts";
import { createGuard } from "./guard.ts";
import { createGrantService } from "./oauth-clients/grants.ts";
import { createOAuthClientService } from "./oauth-clients/service.ts";
import { createPolicyService } from "./policies/service.ts";
import { createRoleService } from "./roles/service.ts";
import { createTenantService, DEFAULT_TENANT_SLUG } from "./tenants/service.ts";

export interface IdentityDeps {
  readonly auth: Auth;
  readonly db: Db;
  readonly logger: Logger;
  /** The audit trail every service records its administrative changes in. */
  readonly audit: AuditService;
  readonly config: {
    readonly defaultTenantRoles: readonly string[];
    readonly signUpEnabled: boolean;
    readonly requireEmailVerification: boolean;
    readonly pwnedPasswordsUrl?: string | undefined;
    /** The OAuth clients' secrets are encrypted under a key derived from it. */
    readonly authSecret: string;
  };
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
  const authorize = createGuard({
    authorizer: getAuthorizer,
    policies,
    keyCreator: (keyId) => apiKeys.creatorPrincipal(keyId),
  });
  /**
   * The audit recorder of the core and the /v1 routes: each administrative change also gets one log line (who,
   * what, on whom, in which tenant), as better-auth's get theirs from src/auth/auth-log.ts. Details stay in
   * the audit trail only: the log is for operators, not a second copy of the record.
   */
  const audit: AuditService = {
    ...deps.audit,
    record(event) {
      logger.info(
        {
          event: event.type,
          actor: event.actorId ?? null,
          subject: event.subjectId ?? null,
          subjectType: event.subjectType ?? null,
          tenantId: event.tenantId ?? null,
          address: event.ip ?? null,
        },
        "administrative change",
      );
      return deps.audit.record(event);
    },
  };
  const globalRoles = createGlobalRoleCatalogue(db);
  const accounts = createAccountService({
    auth,
    db,
    tenants,
    queries: createUserQueries(db),
    authorize,
    logger,
    signUp: { enabled: config.signUpEnabled, requireEmailVerification: config.requireEmailVerification },
    globalRoles,
    audit,
    ...(config.pwnedPasswordsUrl ? { pwned: createPwnedCheck(config.pwnedPasswordsUrl, logger) } : {}),
  });
  const credentials = createCredentialService({ auth });
  const oauthClients = createOAuthClientService({
    db,
    authorize,
    record: (event) => audit.record(event),
    authSecret: config.authSecret,
  });

  /**
   * The context of a platform-wide request (GeoLens, Hasura): the caller acting on accounts, seen from the
   * `default` tenant every account belongs to.
   */
  async function platformContext(principal: Principal | null): Promise<V1Context> {
    const tenant = await tenants.findTenant(DEFAULT_TENANT_SLUG);
    if (!tenant) throw V1Errors.notFound("tenant");
    if (principal?.kind === "apiKey") {
      return {
        principal,
        tenant,
        actor: { type: "ApiKey", id: principal.keyId, tenantId: principal.tenantId, roles: principal.roles },
      };
    }
    if (principal?.kind !== "user") return { principal: null, tenant, actor: null };
    const member = await tenants.membership(tenant.id, principal.userId);
    return {
      principal,
      tenant,
      actor: {
        type: "User",
        id: principal.userId,
        tenantId: member ? tenant.id : "",
        roles: member?.roles ?? [],
        isPlatformAdmin: principal.isPlatformAdmin,
      },
    };
  }

  return {
    tenants,
    /** Every rule about a tenant's role catalogue (/v1/roles and the console). */
    roles: createRoleService({ tenants, authorize, audit }),
    apiKeys,
    /** Creating and revoking keys as an actor: every rule about it (/v1/api-keys and the console). */
    apiKeyActions: createApiKeyActions({ apiKeys, tenants, authorize, audit }),
    policies,
    authorize,
    /** The one account service behind every API (/v1, GeoLens, Hasura). */
    accounts,
    globalRoles,
    credentials,
    /** The tenants' OAuth clients; the OpenID Provider reads them with `findForProvider`. */
    oauthClients,
    /** The applications each account let in (the provider's grants), listed and revoked on /account. */
    oauthGrants: createGrantService({ db, record: (event) => audit.record(event) }),
    platformContext,
    audit,
    /** GET /v1/audit-events: the events the caller may read. */
    auditEvents: createAuditReader({ audit: deps.audit, authorize }),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
