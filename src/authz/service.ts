/**
 * The authorizer: decides every /v1 request with Cedar. Per tenant, the policy set is the default policies
 * plus the tenant's enabled rules, pre-parsed once (`preparsePolicySet`) next to the pre-parsed schema and
 * evaluated with `statefulIsAuthorized` (≈10× faster than re-parsing per call; see bench/authz.ts).
 *
 * Fail closed, because Cedar skips a policy that errors (an erroring forbid does not deny):
 * - tenant rules are validated against the schema in strict mode before they are accepted;
 * - every request (entities, context, action applicability) is validated against the schema;
 * - a request Cedar refuses, or a decision with evaluation errors, is a deny. The errors are logged, never
 *   returned to the caller.
 *
 * Across nodes: a node keeps each tenant's prepared set until `invalidate(tenantId)` (wire it to a pub/sub
 * message) or until `authorize` is given a policy version different from the prepared one (wire it to a
 * version counter in the cache or database). Either way the next decision reloads the rules via `loadRules`.
 *
 * Memory: at most `maxPreparedTenants` sets are kept (prepared-slots.ts), the least recently used tenant's
 * dropped for the next one; a dropped tenant's next decision reloads its rules, as after a change.
 */
import {
  type AuthorizationAnswer,
  type DetailedError,
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
  validate,
} from "@cedar-policy/cedar-wasm/nodejs";
import type { Logger } from "../platform/logger.ts";
import { createDecisionMemo } from "./decision-memo.ts";
import { DEFAULT_POLICIES, SCHEMA_TEXT, TENANT_RULE_PREFIX } from "./default-policies.ts";
import {
  type AuthzRequest,
  type Decision,
  OWNER_RULE_CONTROL_ACTIONS,
  type RuleValidation,
  type TenantRule,
  type TenantRuleSet,
} from "./model.ts";
import { createPreparedSlots } from "./prepared-slots.ts";
import { toCedarRequest } from "./request.ts";

export interface AuthorizerOptions {
  readonly logger: Logger;
  /** Reads a tenant's rules (all of them; disabled ones are skipped here) and their current version. */
  readonly loadRules: (tenantId: string) => Promise<TenantRuleSet>;
  /** Tenants whose prepared set is kept (default DEFAULT_MAX_PREPARED_TENANTS). */
  readonly maxPreparedTenants?: number;
}

/**
 * A prepared set of the defaults plus a few rules weighs some tens of kilobytes of wasm memory, so 1,000 keeps
 * a node's share well under 100 MB whatever the number of tenants, while the tenants active at one time stay
 * prepared (a reload costs two indexed queries and one pre-parse, about a millisecond).
 */
export const DEFAULT_MAX_PREPARED_TENANTS = 1_000;

/** How full the cache of prepared tenant sets is (for tests and metrics). */
export interface PreparedStats {
  readonly tenants: number;
  readonly capacity: number;
}

export interface AuthorizeOptions {
  /** The tenant's current policy version, if the caller knows it; a different prepared version is reloaded. */
  readonly version?: number;
}

export interface Authorizer {
  authorize(tenantId: string, request: AuthzRequest, options?: AuthorizeOptions): Promise<Decision>;
  /**
   * Installs a tenant's rules right away (after this node changed them), without a reload. Throws when an
   * enabled rule does not validate; the previous rules then stay in force.
   */
  setTenantRules(tenantId: string, ruleSet: TenantRuleSet): void;
  /** Drops the tenant's prepared set: its next decision reloads the rules. */
  invalidate(tenantId: string): void;
  /** Checks one rule text against the schema in strict mode; the errors are Cedar's messages. */
  validateRule(text: string): RuleValidation;
  /**
   * The requests that one valid rule, on its own beside the defaults, would deny (evaluation errors count as
   * a deny, as in `authorize`). Judges what the rule itself does, whatever else the tenant has.
   */
  deniedByRule(text: string, requests: readonly AuthzRequest[]): AuthzRequest[];
  preparedStats(): PreparedStats;
}

const DENY: Decision = { allowed: false, notices: [], reasons: [] };

interface PreparedTenant {
  readonly version: number;
  /** The tenant's change generation when these rules were read; behind the current one = stale. */
  readonly generation: number;
  /** undefined when a stored rule no longer validates: every decision for the tenant is then a deny. */
  readonly notices: ReadonlyMap<string, string | null> | undefined;
}

/**
 * Cedar keeps pre-parsed schemas and policy sets in storage shared by the whole process (one wasm instance).
 * The schema and the defaults never change, so they are pre-parsed once per process; tenant sets are scoped
 * to their authorizer, so two authorizers (tests, bench) never overwrite each other's.
 */
const SCHEMA_NAME = "gatehouse:schema";
const DEFAULTS_SET_ID = "gatehouse:defaults";
const DEFAULT_TEXTS: Readonly<Record<string, string>> = Object.fromEntries(
  DEFAULT_POLICIES.map((policy) => [policy.id, policy.text]),
);
const DEFAULT_NOTICES: ReadonlyMap<string, string | null> = new Map(
  DEFAULT_POLICIES.map((policy) => [policy.id, policy.notice]),
);
let sharedPrepared = false;
let authorizerCount = 0;

function prepareShared(): void {
  if (sharedPrepared) return;
  const schema = preparseSchema(SCHEMA_NAME, SCHEMA_TEXT);
  if (schema.type === "failure") throw new Error(`Cedar schema: ${schema.errors.map(describe).join("; ")}`);
  const defaults = preparsePolicySet(DEFAULTS_SET_ID, { staticPolicies: { ...DEFAULT_TEXTS } });
  if (defaults.type === "failure") {
    throw new Error(`default policies: ${defaults.errors.map(describe).join("; ")}`);
  }
  sharedPrepared = true;
}

function describe(error: DetailedError): string {
  return error.help ? `${error.message} (${error.help})` : error.message;
}

export function tenantPolicyId(ruleId: string): string {
  return `${TENANT_RULE_PREFIX}${ruleId}`;
}

/** Enabled rules, lowest priority number first; ties by id so the order is stable. */
function activeRules(rules: readonly TenantRule[]): TenantRule[] {
  return rules
    .filter((rule) => rule.enabled)
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const OWNER_CONTROL: ReadonlySet<string> = new Set(OWNER_RULE_CONTROL_ACTIONS);

/** The tenant's owner reading, disabling or deleting its rules: decided without the rules (model.ts). */
function isOwnerRuleControl(tenantId: string, request: AuthzRequest): boolean {
  const { principal } = request;
  return (
    principal.type === "User" &&
    principal.tenantId === tenantId &&
    principal.roles.includes("owner") &&
    OWNER_CONTROL.has(request.action)
  );
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const { logger, loadRules } = options;
  prepareShared();
  const scope = `gatehouse-authz-${++authorizerCount}`;

  const tenants = createPreparedSlots<PreparedTenant>(
    options.maxPreparedTenants ?? DEFAULT_MAX_PREPARED_TENANTS,
    (index) => `${scope}:slot:${index}`,
  );
  const loading = new Map<string, { readonly generation: number; readonly promise: Promise<void> }>();
  // Bumped by every change notice, so that rules loaded before it are not taken as current. Kept only for
  // tenants that are prepared or loading (nothing else can be stale), so it is bounded like the cache.
  const generations = new Map<string, number>();

  // Answers of the tenant slots and the defaults (decision-memo.ts); the trial set of deniedByRule is not in it.
  const memo = createDecisionMemo();
  const generationOf = (tenantId: string) => generations.get(tenantId) ?? 0;
  const evict = (tenantId: string) => {
    if (!loading.has(tenantId)) generations.delete(tenantId);
  };

  function validatePolicies(policies: Record<string, string>): string[] {
    const answer = validate({
      schema: SCHEMA_TEXT,
      policies: { staticPolicies: policies },
      validationSettings: { mode: "strict" },
    });
    if (answer.type === "failure") return answer.errors.map(describe);
    return answer.validationErrors.map((error) => describe(error.error));
  }

  function validateRule(text: string): RuleValidation {
    // As the only entry of a map, the text must be exactly one static policy: a second policy or a template
    // slot is a parse error.
    const errors = validatePolicies({ rule: text });
    return errors.length === 0 ? { ok: true } : { ok: false, errors };
  }

  /**
   * Pre-parses defaults + enabled rules into the tenant's slot and caches them; returns the errors instead (and
   * changes nothing) when a rule is invalid.
   */
  function prepare(tenantId: string, ruleSet: TenantRuleSet, generation: number): string[] | undefined {
    const rules = activeRules(ruleSet.rules);
    const texts: Record<string, string> = {};
    const notices = new Map<string, string | null>();
    for (const rule of rules) {
      texts[tenantPolicyId(rule.id)] = rule.text;
      notices.set(tenantPolicyId(rule.id), rule.notice);
    }
    const errors = rules.length === 0 ? [] : validatePolicies(texts);
    if (errors.length > 0) return errors;
    for (const [id, notice] of DEFAULT_NOTICES) notices.set(id, notice);
    const slot = tenants.claim(tenantId, evict);
    const parsed = preparsePolicySet(slot, { staticPolicies: { ...texts, ...DEFAULT_TEXTS } });
    memo.replaced(slot);
    if (parsed.type === "failure") {
      // The slot's content is unknown now: nobody decides with it until it is filled again.
      tenants.release(tenantId, slot);
      return parsed.errors.map(describe);
    }
    tenants.set(tenantId, slot, { version: ruleSet.version, generation, notices });
    return undefined;
  }

  function install(tenantId: string, ruleSet: TenantRuleSet, generation: number): void {
    // Loads can finish out of order: never replace rules read after these.
    const installed = tenants.peek(tenantId)?.value;
    if (installed && installed.generation > generation) return;
    const errors = prepare(tenantId, ruleSet, generation);
    if (errors) {
      // Only reachable when stored rules stop validating (e.g. after a schema change): deny rather than
      // evaluate a set in which a forbid might be missing.
      logger.error({ tenantId, version: ruleSet.version, errors }, "tenant policy rules are invalid");
      const slot = tenants.claim(tenantId, evict);
      tenants.set(tenantId, slot, { version: ruleSet.version, generation, notices: undefined });
    }
  }

  async function ensureCurrent(tenantId: string, version: number | undefined): Promise<void> {
    const generation = generationOf(tenantId);
    const current = tenants.peek(tenantId)?.value;
    if (current?.generation === generation && (version === undefined || current.version === version)) return;
    const pending = loading.get(tenantId);
    // Share a load already under way, unless a change notice arrived after it started.
    if (pending?.generation === generation) return pending.promise;
    const promise = loadRules(tenantId)
      .then((ruleSet) => install(tenantId, ruleSet, generation))
      .finally(() => {
        if (loading.get(tenantId)?.promise === promise) loading.delete(tenantId);
      });
    loading.set(tenantId, { generation, promise });
    return promise;
  }

  function decide(
    setId: string,
    notices: ReadonlyMap<string, string | null>,
    request: AuthzRequest,
    tenantId: string,
    // Off for the trial runs of deniedByRule: their errors are the rule's verdict, not a fault to report.
    report = true,
  ): Decision {
    let answer: AuthorizationAnswer;
    try {
      // The call is a pure function of the request (request.ts): the memo knows it by the request.
      const evaluate = () =>
        statefulIsAuthorized({
          ...toCedarRequest(request),
          preparsedSchemaName: SCHEMA_NAME,
          preparsedPolicySetId: setId,
          validateRequest: true,
        });
      answer = report ? memo.answer(setId, request, evaluate) : evaluate();
    } catch (error) {
      if (report) logger.error({ err: error, tenantId, action: request.action }, "Cedar authorization threw");
      return DENY;
    }
    const who = `${request.principal.type}:${request.principal.id}`;
    if (answer.type === "failure") {
      // The request does not fit the schema: a bug in the caller, never a reason to allow.
      if (!report) return DENY;
      logger.error(
        { tenantId, action: request.action, principal: who, errors: answer.errors.map(describe) },
        "authorization request rejected by the Cedar schema",
      );
      return DENY;
    }
    const { decision, diagnostics } = answer.response;
    if (diagnostics.errors.length > 0 && report) {
      logger.error(
        {
          tenantId,
          action: request.action,
          principal: who,
          errors: diagnostics.errors.map((e) => ({ policyId: e.policyId, message: describe(e.error) })),
        },
        "policy evaluation errors; denying",
      );
    }
    if (diagnostics.errors.length > 0 && decision === "allow") return DENY;
    // `notices` iterates tenant rules by priority, then the defaults: that is the reporting order.
    const determining = new Set(diagnostics.reason);
    const reasons = [...notices.keys()].filter((id) => determining.has(id));
    const texts = reasons.map((id) => notices.get(id)).filter((notice): notice is string => !!notice);
    return { allowed: decision === "allow", notices: [...new Set(texts)], reasons };
  }

  async function authorize(
    tenantId: string,
    request: AuthzRequest,
    opts: AuthorizeOptions = {},
  ): Promise<Decision> {
    const { resource } = request;
    if ((resource.type === "Tenant" ? resource.id : resource.tenantId) !== tenantId) {
      // The rules of one tenant must never decide about another tenant's resource.
      logger.error(
        { tenantId, action: request.action, resource: resource.type },
        "authorization asked under the rules of a tenant the resource does not belong to",
      );
      return DENY;
    }
    // Platform admins are decided by the defaults alone: a tenant rule must not lock out those who repair it.
    // Nor one that locks the owner out of the rules themselves.
    if (
      (request.principal.type === "User" && request.principal.isPlatformAdmin) ||
      isOwnerRuleControl(tenantId, request)
    ) {
      return decide(DEFAULTS_SET_ID, DEFAULT_NOTICES, request, tenantId);
    }
    // Other tenants' loads may take this tenant's slot between its load and the decision: then load again. Twice
    // more is plenty unless far more tenants are active at once than the cache holds (then: deny, logged).
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await ensureCurrent(tenantId, opts.version);
      } catch (error) {
        logger.error({ err: error, tenantId }, "could not load tenant policy rules; denying");
        return DENY;
      }
      // Read after the await and decided without another: the slot holds exactly this entry's set.
      const prepared = tenants.get(tenantId);
      if (prepared)
        return prepared.value.notices
          ? decide(prepared.slot, prepared.value.notices, request, tenantId)
          : DENY;
    }
    logger.error({ tenantId, capacity: tenants.capacity }, "tenant policy set evicted before use; denying");
    return DENY;
  }

  function setTenantRules(tenantId: string, ruleSet: TenantRuleSet): void {
    const generation = generationOf(tenantId) + 1;
    // prepare() replaces the pre-parsed set only once every rule validated, so a refusal changes nothing.
    const errors = prepare(tenantId, ruleSet, generation);
    if (errors) throw new Error(`invalid tenant policy rules: ${errors.join("; ")}`);
    generations.set(tenantId, generation);
  }

  function invalidate(tenantId: string): void {
    // A tenant neither prepared nor loading has nothing stale; recording it would grow with every tenant.
    if (!tenants.peek(tenantId) && !loading.has(tenantId)) return;
    generations.set(tenantId, generationOf(tenantId) + 1);
  }

  function deniedByRule(text: string, requests: readonly AuthzRequest[]): AuthzRequest[] {
    const id = tenantPolicyId("candidate");
    // One scratch set per authorizer, replaced on every call; preparse and decide are synchronous, so no
    // other call can swap it in between.
    const setId = `${scope}:trial`;
    const parsed = preparsePolicySet(setId, { staticPolicies: { [id]: text, ...DEFAULT_TEXTS } });
    if (parsed.type === "failure") return [...requests];
    const notices = new Map<string, string | null>([[id, null], ...DEFAULT_NOTICES]);
    return requests.filter(
      (request) => !decide(setId, notices, request, request.principal.tenantId, false).allowed,
    );
  }

  const preparedStats = (): PreparedStats => ({ tenants: tenants.size, capacity: tenants.capacity });

  return { authorize, setTenantRules, invalidate, validateRule, deniedByRule, preparedStats };
}
