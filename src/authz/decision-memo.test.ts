/**
 * Remembered Cedar answers (decision-memo.ts) never outlive the policy set they were computed on: a rule change
 * on this node or on another (a new version), and a tenant whose slot went to another tenant, are decided by the
 * rules in force at the next call. The memo stays within its bound however many distinct calls it sees.
 */
import { describe, expect, it } from "bun:test";
import type { AuthorizationAnswer } from "@cedar-policy/cedar-wasm/nodejs";
import { createDecisionMemo } from "./decision-memo.ts";
import type { AuthzRequest } from "./model.ts";
import type { CedarRequest } from "./request.ts";
import { createAuthorizer } from "./service.ts";
import { captureLogger, createRuleStore, member, rule, tenantUser } from "./testing.ts";

const FORBID_DELETE = `forbid (principal, action == Gatehouse::Action::"users.delete", resource);`;

const deleteBob = (tenantId: string): AuthzRequest => ({
  principal: member(tenantId, "alice", ["admin"]),
  action: "users.delete",
  resource: tenantUser(tenantId, "bob", ["user"]),
});

function setup(maxPreparedTenants?: number) {
  const store = createRuleStore();
  const authz = createAuthorizer({
    logger: captureLogger().logger,
    loadRules: store.loadRules,
    ...(maxPreparedTenants ? { maxPreparedTenants } : {}),
  });
  return { store, authz };
}

describe("remembered Cedar answers", () => {
  it("a rule installed on this node decides the very next identical call", async () => {
    const { authz } = setup();
    expect((await authz.authorize("acme", deleteBob("acme"))).allowed).toBe(true);
    expect((await authz.authorize("acme", deleteBob("acme"))).allowed).toBe(true);
    authz.setTenantRules("acme", { version: 1, rules: [rule("no-delete", FORBID_DELETE)] });
    expect((await authz.authorize("acme", deleteBob("acme"))).allowed).toBe(false);
    authz.setTenantRules("acme", { version: 2, rules: [] });
    expect((await authz.authorize("acme", deleteBob("acme"))).allowed).toBe(true);
  });

  it("a new stored version (a change on another node) decides the next identical call", async () => {
    const { store, authz } = setup();
    let version = store.put("acme", []);
    expect((await authz.authorize("acme", deleteBob("acme"), { version })).allowed).toBe(true);
    version = store.put("acme", [rule("no-delete", FORBID_DELETE)]);
    const decision = await authz.authorize("acme", deleteBob("acme"), { version });
    expect(decision).toMatchObject({ allowed: false, reasons: ["tenant:no-delete"] });
  });

  it("a tenant whose slot went to another tenant is decided by its own rules again", async () => {
    const { store, authz } = setup(1);
    store.put("strict", [rule("no-delete", FORBID_DELETE)]);
    for (let round = 0; round < 3; round++) {
      expect((await authz.authorize("open", deleteBob("open"))).allowed).toBe(true);
      expect((await authz.authorize("strict", deleteBob("strict"))).allowed).toBe(false);
    }
  });

  it("holds at most its capacity and does not keep failed answers", () => {
    const memo = createDecisionMemo(3);
    const allow = {
      type: "success",
      response: { decision: "allow", diagnostics: { reason: [], errors: [] } },
      warnings: [],
    } as unknown as AuthorizationAnswer;
    const failure = { type: "failure", errors: [], warnings: [] } as unknown as AuthorizationAnswer;
    const call = (id: string) => ({ principal: { type: "T", id } }) as unknown as CedarRequest;
    let evaluations = 0;
    const counted = (answer: AuthorizationAnswer) => () => {
      evaluations++;
      return answer;
    };
    for (let i = 0; i < 10; i++) memo.answer("set", call(`p${i}`), counted(allow));
    expect(memo.size).toBe(3);
    memo.answer("set", call("p9"), counted(allow));
    expect(evaluations).toBe(10);
    memo.replaced("set");
    memo.answer("set", call("p9"), counted(allow));
    expect(evaluations).toBe(11);
    memo.answer("set", call("bad"), counted(failure));
    memo.answer("set", call("bad"), counted(failure));
    expect(evaluations).toBe(13);
  });
});
