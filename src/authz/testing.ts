/**
 * Test and bench helpers for the authorizer: principals and resources of a tenant, an in-memory rule store
 * behind `loadRules` (the same port the policies module implements on the database), and a pino logger whose
 * lines can be inspected.
 */
import pino from "pino";
import type { Logger } from "../platform/logger.ts";
import { DEFAULT_POLICIES } from "./default-policies.ts";
import type { AuthzPrincipal, TenantRule, TenantRuleSet, TenantUserResource } from "./model.ts";

export function member(tenantId: string, id: string, roles: readonly string[]): AuthzPrincipal {
  return { type: "User", id, tenantId, roles, isPlatformAdmin: false };
}

export function platformAdmin(tenantId: string, id = "platform-admin"): AuthzPrincipal {
  return { type: "User", id, tenantId, roles: ["user"], isPlatformAdmin: true };
}

export function apiKey(tenantId: string, id: string, roles: readonly string[]): AuthzPrincipal {
  return { type: "ApiKey", id, tenantId, roles };
}

export function tenantUser(tenantId: string, userId: string, roles: readonly string[]): TenantUserResource {
  return { type: "TenantUser", userId, tenantId, roles, isOwner: roles.includes("owner") };
}

/** The notice of a default policy, by id. */
export function defaultNotice(id: string): string {
  const notice = DEFAULT_POLICIES.find((policy) => policy.id === id)?.notice;
  if (!notice) throw new Error(`no default policy ${id} with a notice`);
  return notice;
}

export function rule(id: string, text: string, extra: Partial<TenantRule> = {}): TenantRule {
  return { id, text, notice: null, enabled: true, priority: 0, ...extra };
}

/** Rules per tenant with a version counter, as the policies table keeps them; counts the loads. */
export function createRuleStore() {
  const sets = new Map<string, TenantRuleSet>();
  const loads: string[] = [];
  return {
    loads,
    put(tenantId: string, rules: readonly TenantRule[]): number {
      const version = (sets.get(tenantId)?.version ?? 0) + 1;
      sets.set(tenantId, { version, rules });
      return version;
    },
    async loadRules(tenantId: string): Promise<TenantRuleSet> {
      loads.push(tenantId);
      return sets.get(tenantId) ?? { version: 0, rules: [] };
    },
  };
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "debug", base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}
