/**
 * Authorization for the /v1 API: Cedar schema (schema.cedarschema), default policies (policies/*.cedar),
 * per-tenant rules, and one `authorize()` per request.
 *
 * Wiring, for the routes' author:
 *   const authz = createAuthorizer({ logger, loadRules: (tenantId) => rulesQueries.load(tenantId) });
 *   const decision = await authz.authorize(tenantId, {
 *     principal: { type: "User", id, tenantId, roles, isPlatformAdmin },
 *     action: "users.create",
 *     resource: { type: "Tenant", id: tenantId },
 *     context: { roles: body.roles },
 *   }, { version });            // optional: the tenant's policy version from the cache
 *   assertThat(decision.allowed, () => new AppError("forbidden", 403, msg, undefined, decision.notices));
 * On a rule change: `validateRule(text)` before storing (422 with its errors), then `setTenantRules` on this
 * node and `invalidate(tenantId)` on the others (pub/sub) or a bumped version.
 */

export type {
  AuthzAction,
  AuthzPrincipal,
  AuthzRequest,
  AuthzResource,
  Decision,
  RuleValidation,
  TenantRule,
  TenantRuleSet,
  UserField,
} from "./model.ts";
export { ACTION_RESOURCE_TYPES, OWNER_RULE_CONTROL_ACTIONS } from "./model.ts";
export {
  type AuthorizeOptions,
  type Authorizer,
  type AuthorizerOptions,
  createAuthorizer,
  tenantPolicyId,
} from "./service.ts";
