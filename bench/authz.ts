/**
 * Time per authorization decision: the authorizer (pre-parsed schema and policy set, statefulIsAuthorized)
 * against Cedar's plain isAuthorized, which parses the schema and the policies on every call.
 * Prints, asserts nothing. Run: `bun bench/authz.ts` (numbers vary with the machine's load, printed too).
 */
import { loadavg } from "node:os";
import {
  isAuthorized,
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
} from "@cedar-policy/cedar-wasm/nodejs";
import { DEFAULT_POLICIES, SCHEMA_TEXT } from "../src/authz/default-policies.ts";
import type { AuthzRequest, TenantRule } from "../src/authz/model.ts";
import { toCedarRequest } from "../src/authz/request.ts";
import { createAuthorizer, tenantPolicyId } from "../src/authz/service.ts";
import { captureLogger, member, rule, tenantUser } from "../src/authz/testing.ts";

const TENANT = "acme";
// A tenant with a realistic handful of its own rules next to the defaults.
const RULES: TenantRule[] = Array.from({ length: 20 }, (_, i) =>
  rule(
    `r${i}`,
    `forbid (principal, action == Gatehouse::Action::"users.delete", resource)
     when { resource.roles.contains("protected-${i}") };`,
    { notice: `Rule ${i}` },
  ),
);
const request: AuthzRequest = {
  principal: member(TENANT, "u-admin", ["admin"]),
  action: "users.update",
  resource: tenantUser(TENANT, "u-bob", ["user"]),
  context: { changes: ["name", "roles"], roles: ["user"] },
};

/** Runs `fn` for about `budgetMs` (at least `minRuns` times) after a warm-up; returns µs per call. */
async function measure(name: string, fn: () => unknown, budgetMs = 1500, minRuns = 20): Promise<number> {
  for (let i = 0; i < 5; i++) await fn();
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < budgetMs) {
    await fn();
    runs++;
  }
  const perCall = ((performance.now() - start) * 1000) / runs;
  console.log(`${name.padEnd(58)} ${perCall.toFixed(1).padStart(9)} µs/call  (${runs} runs)`);
  return perCall;
}

const authz = createAuthorizer({
  logger: captureLogger().logger,
  loadRules: async () => ({ version: 1, rules: RULES }),
});
const first = await authz.authorize(TENANT, request);
if (!first.allowed) throw new Error("bench request should be allowed");

const cedar = toCedarRequest(request);
const policies = {
  staticPolicies: {
    ...Object.fromEntries(DEFAULT_POLICIES.map((policy) => [policy.id, policy.text])),
    ...Object.fromEntries(RULES.map((r) => [tenantPolicyId(r.id), r.text])),
  },
};

console.log(
  `Cedar decision, ${Object.keys(policies.staticPolicies).length} policies; load average ${loadavg()[0]?.toFixed(1)}`,
);
const stateful = await measure("authorizer.authorize (statefulIsAuthorized, validated)", () =>
  authz.authorize(TENANT, request),
);
preparseSchema("bench:schema", SCHEMA_TEXT);
preparsePolicySet("bench:policies", policies);
await measure("statefulIsAuthorized with schema + request validation", () =>
  statefulIsAuthorized({
    ...cedar,
    preparsedSchemaName: "bench:schema",
    preparsedPolicySetId: "bench:policies",
    validateRequest: true,
  }),
);
await measure("statefulIsAuthorized without schema (no validation: unsafe)", () =>
  statefulIsAuthorized({ ...cedar, preparsedPolicySetId: "bench:policies" }),
);
const plain = await measure("isAuthorized with schema + request validation", () =>
  isAuthorized({ ...cedar, policies, schema: SCHEMA_TEXT, validateRequest: true }),
);
await measure("isAuthorized without schema (no validation: unsafe)", () =>
  isAuthorized({ ...cedar, policies }),
);
console.log(`pre-parsed path is ${(plain / stateful).toFixed(1)}× faster than isAuthorized with the schema`);
