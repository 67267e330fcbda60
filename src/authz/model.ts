/**
 * The typed surface of the authorization layer: what a route describes (who, which operation, on what, with
 * which change) and what it gets back. request.ts turns an AuthzRequest into Cedar JSON, so routes never
 * write entity JSON themselves and a request that does not fit schema.cedarschema is a type error.
 */

/** The caller. `roles` are its roles in `tenantId` (for an API key: the key's roles). */
export type AuthzPrincipal =
  | {
      readonly type: "User";
      readonly id: string;
      readonly tenantId: string;
      readonly roles: readonly string[];
      /** Holds the global role `admin`. */
      readonly isPlatformAdmin: boolean;
    }
  | {
      readonly type: "ApiKey";
      readonly id: string;
      readonly tenantId: string;
      readonly roles: readonly string[];
    };

/** Collection actions (list, create) act on the tenant itself. */
export interface TenantResource {
  readonly type: "Tenant";
  readonly id: string;
}

/** The user being acted on, as a member of `tenantId`. */
export interface TenantUserResource {
  readonly type: "TenantUser";
  readonly userId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly isOwner: boolean;
}

/** A user's platform-wide account, seen from `tenantId` (the request's tenant). */
export interface AccountResource {
  readonly type: "Account";
  readonly userId: string;
  readonly tenantId: string;
  /** The account holds the global role `admin`. */
  readonly isPlatformAdmin: boolean;
}

/** Fields of an account that accounts.update can change; `context.changes` lists the ones a request changes. */
export type AccountField = "name" | "avatar" | "email" | "password" | "globalRoles" | "active" | "sessions";

export interface RoleResource {
  readonly type: "Role";
  readonly name: string;
  readonly tenantId: string;
}

export interface PolicyResource {
  readonly type: "Policy";
  readonly id: string;
  readonly tenantId: string;
}

export interface ApiKeyResource {
  readonly type: "ApiKey";
  readonly id: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

/** An OAuth client of `tenantId`; `firstParty` clients skip the consent page. */
export interface OAuthClientResource {
  readonly type: "OAuthClient";
  readonly id: string;
  readonly tenantId: string;
  readonly firstParty: boolean;
}

/** Whether a create or update marks the client first-party (only platform admins may: oauth-clients.cedar). */
export interface FirstPartyMarking {
  readonly firstParty: boolean;
}

/** Fields of a user that users.update can change; `context.changes` lists the ones a request changes. */
export type UserField = "name" | "avatar" | "roles" | "active";

/** The roles a request grants (create) or whose assignment it changes (added or removed). */
export interface RoleAssignment {
  readonly roles: readonly string[];
}

/** Resource and context of every action; mirrors the `appliesTo` clauses of schema.cedarschema. */
export interface ActionShapes {
  "users.list": { readonly resource: TenantResource };
  "users.create": { readonly resource: TenantResource; readonly context: RoleAssignment };
  "users.read": { readonly resource: TenantUserResource };
  "users.update": {
    readonly resource: TenantUserResource;
    readonly context: { readonly changes: readonly UserField[]; readonly roles: readonly string[] };
  };
  "users.delete": { readonly resource: TenantUserResource };
  "users.grantRole": { readonly resource: TenantUserResource; readonly context: RoleAssignment };
  "accounts.list": { readonly resource: TenantResource };
  "accounts.create": { readonly resource: TenantResource };
  "accounts.read": { readonly resource: AccountResource };
  "accounts.update": {
    readonly resource: AccountResource;
    readonly context: { readonly changes: readonly AccountField[] };
  };
  "accounts.delete": { readonly resource: AccountResource };
  "roles.list": { readonly resource: TenantResource };
  "roles.create": { readonly resource: TenantResource; readonly context: { readonly role: string } };
  "roles.delete": { readonly resource: RoleResource };
  "policies.list": { readonly resource: TenantResource };
  "policies.create": { readonly resource: TenantResource };
  "policies.update": { readonly resource: PolicyResource };
  "policies.delete": { readonly resource: PolicyResource };
  "apiKeys.list": { readonly resource: TenantResource };
  "apiKeys.create": { readonly resource: TenantResource; readonly context: RoleAssignment };
  "apiKeys.revoke": { readonly resource: ApiKeyResource };
  "audit.list": { readonly resource: TenantResource };
  "audit.listAll": { readonly resource: TenantResource };
  "oauthClients.list": { readonly resource: TenantResource };
  "oauthClients.create": { readonly resource: TenantResource; readonly context: FirstPartyMarking };
  "oauthClients.get": { readonly resource: OAuthClientResource };
  "oauthClients.update": { readonly resource: OAuthClientResource; readonly context: FirstPartyMarking };
  "oauthClients.delete": { readonly resource: OAuthClientResource };
  "oauthClients.rotateSecret": { readonly resource: OAuthClientResource };
}

export type AuthzAction = keyof ActionShapes;

export type AuthzResource = ActionShapes[AuthzAction]["resource"];

/** One authorization question; `action` discriminates which resource and context are required. */
export type AuthzRequest = {
  [A in AuthzAction]: { readonly principal: AuthzPrincipal; readonly action: A } & ActionShapes[A];
}[AuthzAction];

/** Every action, with the resource type it applies to (the runtime twin of ActionShapes). */
export const ACTION_RESOURCE_TYPES: { readonly [A in AuthzAction]: ActionShapes[A]["resource"]["type"] } = {
  "users.list": "Tenant",
  "users.create": "Tenant",
  "users.read": "TenantUser",
  "users.update": "TenantUser",
  "users.delete": "TenantUser",
  "users.grantRole": "TenantUser",
  "accounts.list": "Tenant",
  "accounts.create": "Tenant",
  "accounts.read": "Account",
  "accounts.update": "Account",
  "accounts.delete": "Account",
  "roles.list": "Tenant",
  "roles.create": "Tenant",
  "roles.delete": "Role",
  "policies.list": "Tenant",
  "policies.create": "Tenant",
  "policies.update": "Policy",
  "policies.delete": "Policy",
  "apiKeys.list": "Tenant",
  "apiKeys.create": "Tenant",
  "apiKeys.revoke": "ApiKey",
  "audit.list": "Tenant",
  "audit.listAll": "Tenant",
  "oauthClients.list": "Tenant",
  "oauthClients.create": "Tenant",
  "oauthClients.get": "OAuthClient",
  "oauthClients.update": "OAuthClient",
  "oauthClients.delete": "OAuthClient",
  "oauthClients.rotateSecret": "OAuthClient",
};

/**
 * What a tenant's owner can always do with the tenant's rules, whatever the rules say: read them, change them
 * (disable them) and delete them. The authorizer decides these for an owner with the default policies alone,
 * and the policies module refuses a rule that would deny them, so no rule can lock the owner out of repairing
 * the rules.
 */
export const OWNER_RULE_CONTROL_ACTIONS = ["policies.list", "policies.update", "policies.delete"] as const;

export type OwnerRuleControlAction = (typeof OWNER_RULE_CONTROL_ACTIONS)[number];

export interface Decision {
  readonly allowed: boolean;
  /**
   * User-facing notices of the policies that determined the decision (Cedar's `diagnostics.reason`): the
   * satisfied forbids on a deny, the satisfied permits on an allow; empty on a default deny and on a deny
   * forced by an evaluation error.
   */
  readonly notices: readonly string[];
  /** Ids of those policies: default policy ids, and `tenant:<ruleId>` for tenant rules. */
  readonly reasons: readonly string[];
}

/**
 * A tenant's own rule, as stored by the policies module. `text` is one static Cedar policy. `priority` does not
 * change a decision (Cedar evaluates every policy, and a satisfied forbid always wins over permits); it only
 * orders rules: lower numbers first in listings and in a decision's notices and reasons.
 */
export interface TenantRule {
  readonly id: string;
  readonly text: string;
  readonly notice: string | null;
  readonly enabled: boolean;
  readonly priority: number;
}

/**
 * A tenant's rules at one version. The version must change whenever the rules do (a counter in the database
 * is enough); nodes compare it to decide whether their prepared policy set is current.
 */
export interface TenantRuleSet {
  readonly version: number;
  readonly rules: readonly TenantRule[];
}

export type RuleValidation =
  | { readonly ok: true }
  | { readonly ok: false; readonly errors: readonly string[] };
