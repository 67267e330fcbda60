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
async function measure(name: string, fn: () => unknown, budgetMs = 1500, minRuns = 20, print = true) {
  for (let i = 0; i < 5; i++) await fn();
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < budgetMs) {
    await fn();
    runs++;
  }
  const perCall = ((performance.now() - start) * 1000) / runs;
  if (print) console.log(`${name.padEnd(58)} ${perCall.toFixed(1).padStart(9)} µs/call  (${runs} runs)`);
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

preparseSchema("bench:schema", SCHEMA_TEXT);
preparsePolicySet("bench:policies", policies);

const cases: Record<string, () => unknown> = {
  "authorizer.authorize (statefulIsAuthorized, validated)": () => authz.authorize(TENANT, request),
  "statefulIsAuthorized with schema + request validation": () =>
    statefulIsAuthorized({
      ...cedar,
      preparsedSchemaName: "bench:schema",
      preparsedPolicySetId: "bench:policies",
      validateRequest: true,
    }),
  "statefulIsAuthorized without schema (no validation: unsafe)": () =>
    statefulIsAuthorized({ ...cedar, preparsedPolicySetId: "bench:policies" }),
  "isAuthorized with schema + request validation": () =>
    isAuthorized({ ...cedar, policies, schema: SCHEMA_TEXT, validateRequest: true }),
  "isAuthorized without schema (no validation: unsafe)": () => isAuthorized({ ...cedar, policies }),
};

// A short unprinted round first, so JIT and GC warm-up do not favour whichever case runs last.
for (const fn of Object.values(cases)) await measure("", fn, 200, 5, false);
console.log(
  `Cedar decision, ${Object.keys(policies.staticPolicies).length} policies; load average ${loadavg()[0]?.toFixed(1)}`,
);
const results: Record<string, number> = {};
for (const [name, fn] of Object.entries(cases)) results[name] = await measure(name, fn);
const stateful = results["authorizer.authorize (statefulIsAuthorized, validated)"] ?? Number.NaN;
const plain = results["isAuthorized with schema + request validation"] ?? Number.NaN;
console.log(`pre-parsed path is ${(plain / stateful).toFixed(1)}× faster than isAuthorized with the schema`);
