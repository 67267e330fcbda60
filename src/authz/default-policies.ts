/**
 * The schema and the default policies Gatehouse ships (policies/*.cedar). Each policy carries `@id` (its
 * policy id, which tenant rules can never take: theirs are prefixed `tenant:`) and `@notice` (what a user is
 * told when the policy determines a decision). Cedar ignores annotations when evaluating, so the ids and
 * notices are read here once.
 */
import { policySetTextToParts, policyToJson } from "@cedar-policy/cedar-wasm/nodejs";
import accounts from "./policies/accounts.cedar" with { type: "text" };
import oauthClients from "./policies/oauth-clients.cedar" with { type: "text" };
import platformAdmin from "./policies/platform-admin.cedar" with { type: "text" };
import roleGrants from "./policies/role-grants.cedar" with { type: "text" };
import selfService from "./policies/self-service.cedar" with { type: "text" };
import tenantAdmins from "./policies/tenant-admins.cedar" with { type: "text" };
import tenantIsolation from "./policies/tenant-isolation.cedar" with { type: "text" };
import schemaText from "./schema.cedarschema" with { type: "text" };

export const SCHEMA_TEXT: string = schemaText;

export const TENANT_RULE_PREFIX = "tenant:";

export interface DefaultPolicy {
  readonly id: string;
  readonly text: string;
  readonly effect: "permit" | "forbid";
  readonly notice: string | null;
}

/** Listed in the order their notices are reported after the tenant's own. */
const SOURCES: Readonly<Record<string, string>> = {
  "tenant-isolation.cedar": tenantIsolation,
  "role-grants.cedar": roleGrants,
  "oauth-clients.cedar": oauthClients,
  "platform-admin.cedar": platformAdmin,
  "tenant-admins.cedar": tenantAdmins,
  "self-service.cedar": selfService,
  "accounts.cedar": accounts,
};

/** Splits the shipped files into policies; a malformed file is a build defect, so this throws. */
export function parseDefaultPolicies(sources: Readonly<Record<string, string>>): DefaultPolicy[] {
  const policies: DefaultPolicy[] = [];
  for (const [file, text] of Object.entries(sources)) {
    const parts = policySetTextToParts(text);
    if (parts.type === "failure") {
      throw new Error(`${file}: ${parts.errors.map((error) => error.message).join("; ")}`);
    }
    if (parts.policy_templates.length > 0) throw new Error(`${file}: templates are not supported`);
    for (const policyText of parts.policies) {
      const json = policyToJson(policyText);
      if (json.type === "failure")
        throw new Error(`${file}: ${json.errors.map((e) => e.message).join("; ")}`);
      const id = json.json.annotations?.id;
      if (!id) throw new Error(`${file}: a policy has no @id annotation`);
      if (id.startsWith(TENANT_RULE_PREFIX)) throw new Error(`${file}: @id("${id}") uses the tenant prefix`);
      if (policies.some((policy) => policy.id === id)) throw new Error(`${file}: duplicate @id("${id}")`);
      policies.push({
        id,
        text: policyText,
        effect: json.json.effect,
        notice: json.json.annotations?.notice ?? null,
      });
    }
  }
  return policies;
}

export const DEFAULT_POLICIES: readonly DefaultPolicy[] = parseDefaultPolicies(SOURCES);
