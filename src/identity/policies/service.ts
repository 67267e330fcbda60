/**
 * A tenant's own Cedar rules: stored in tenant_policy, validated against the schema (strict) before they are
 * stored, and versioned per tenant so every node re-prepares its policy set after a change. A rule that would
 * lock the owner out of the rules is refused (owner-control.ts).
 */
import { randomUUID } from "node:crypto";
import type { TenantRule, TenantRuleSet } from "../../authz/model.ts";
import type { Authorizer } from "../../authz/service.ts";
import type { Db } from "../../platform/db/index.ts";
import { boolParam, dateParam, toDate } from "../../platform/db/values.ts";
import { V1Errors } from "../errors.ts";
import { ownerControlRequests, tenantOwners } from "./owner-control.ts";

export interface PolicyRule extends TenantRule {
  readonly tenantId: string;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface PolicyInput {
  readonly policy: string;
  readonly notice?: string | null;
  readonly description?: string | null;
  readonly enabled?: boolean;
  readonly priority?: number;
}

function fromRow(row: Record<string, unknown>): PolicyRule {
  return {
    id: String(row.id),
    tenantId: String(row.organizationId),
    text: String(row.policy),
    notice: (row.notice as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    enabled: Boolean(row.enabled),
    priority: Number(row.priority),
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
  };
}

export function createPolicyService(deps: { db: Db; authorizer: () => Authorizer }) {
  const { db } = deps;

  async function version(tenantId: string): Promise<number> {
    const row = await db.kysely
      .selectFrom("tenant_policy_version")
      .select("version")
      .where("organizationId", "=", tenantId)
      .executeTakeFirst();
    return row ? Number(row.version) : 0;
  }

  async function bumpVersion(tenantId: string): Promise<void> {
    await db.kysely
      .insertInto("tenant_policy_version")
      .values({ organizationId: tenantId, version: 1 })
      .onConflict((oc) =>
        oc
          .column("organizationId")
          .doUpdateSet((eb) => ({ version: eb("tenant_policy_version.version", "+", 1) })),
      )
      .execute();
    deps.authorizer().invalidate(tenantId);
  }

  function assertValid(text: string): void {
    const result = deps.authorizer().validateRule(text);
    if (!result.ok) throw V1Errors.invalidPolicy(result.errors);
  }

  /** Refuses (422) a rule that, once in force, would deny an owner reading, disabling or deleting rules. */
  async function assertKeepsOwnerControl(tenantId: string, ruleId: string, text: string): Promise<void> {
    const [owners, rules] = await Promise.all([tenantOwners(db, tenantId), list(tenantId)]);
    const ruleIds = [ruleId, ...rules.map((rule) => rule.id)];
    const denied = deps.authorizer().deniedByRule(text, ownerControlRequests(tenantId, owners, ruleIds));
    if (denied.length > 0) throw V1Errors.policyLocksOutOwner([...new Set(denied.map((r) => r.action))]);
  }

  async function list(tenantId: string): Promise<PolicyRule[]> {
    const rows = await db.kysely
      .selectFrom("tenant_policy")
      .selectAll()
      .where("organizationId", "=", tenantId)
      .orderBy("priority")
      .orderBy("id")
      .execute();
    return rows.map(fromRow);
  }

  async function get(tenantId: string, id: string): Promise<PolicyRule> {
    const row = await db.kysely
      .selectFrom("tenant_policy")
      .selectAll()
      .where("organizationId", "=", tenantId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw V1Errors.notFound("policy");
    return fromRow(row);
  }

  return {
    version,
    list,
    get,

    async loadRules(tenantId: string): Promise<TenantRuleSet> {
      const [v, rules] = await Promise.all([version(tenantId), list(tenantId)]);
      return { version: v, rules };
    },

    async create(tenantId: string, input: PolicyInput): Promise<PolicyRule> {
      assertValid(input.policy);
      const id = randomUUID();
      if (input.enabled ?? true) await assertKeepsOwnerControl(tenantId, id, input.policy);
      const now = new Date();
      await db.kysely
        .insertInto("tenant_policy")
        .values({
          id,
          organizationId: tenantId,
          description: input.description ?? null,
          policy: input.policy,
          notice: input.notice ?? null,
          enabled: boolParam(db.dialect, input.enabled ?? true),
          priority: input.priority ?? 0,
          createdAt: dateParam(db.dialect, now),
          updatedAt: dateParam(db.dialect, now),
        })
        .execute();
      await bumpVersion(tenantId);
      return get(tenantId, id);
    },

    async update(tenantId: string, id: string, input: Partial<PolicyInput>): Promise<PolicyRule> {
      const existing = await get(tenantId, id);
      if (input.policy !== undefined) assertValid(input.policy);
      // Judged when a text comes into force (changed while enabled, or enabled); disabling is always allowed,
      // so a rule stored before this check can still be switched off.
      const text = input.policy ?? existing.text;
      const enabled = input.enabled ?? existing.enabled;
      if (enabled && (input.policy !== undefined || !existing.enabled)) {
        await assertKeepsOwnerControl(tenantId, id, text);
      }
      await db.kysely
        .updateTable("tenant_policy")
        .set({
          policy: text,
          notice: input.notice === undefined ? existing.notice : input.notice,
          description: input.description === undefined ? existing.description : input.description,
          enabled: boolParam(db.dialect, enabled),
          priority: input.priority ?? existing.priority,
          updatedAt: dateParam(db.dialect, new Date()),
        })
        .where("organizationId", "=", tenantId)
        .where("id", "=", id)
        .execute();
      await bumpVersion(tenantId);
      return get(tenantId, id);
    },

    async remove(tenantId: string, id: string): Promise<void> {
      await get(tenantId, id);
      await db.kysely
        .deleteFrom("tenant_policy")
        .where("organizationId", "=", tenantId)
        .where("id", "=", id)
        .execute();
      await bumpVersion(tenantId);
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
