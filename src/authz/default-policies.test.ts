import { describe, expect, it } from "bun:test";
import { schemaToJson, validate } from "@cedar-policy/cedar-wasm/nodejs";
import { DEFAULT_POLICIES, parseDefaultPolicies, SCHEMA_TEXT } from "./default-policies.ts";
import { ACTION_RESOURCE_TYPES } from "./model.ts";

describe("schema.cedarschema", () => {
  it("declares exactly the actions of the typed surface, each on its resource type", () => {
    const json = schemaToJson(SCHEMA_TEXT);
    if (json.type === "failure") throw new Error(json.errors.map((error) => error.message).join("; "));
    const actions = json.json.Gatehouse?.actions ?? {};
    const operations = Object.fromEntries(
      Object.entries(actions)
        .filter(([name]) => name.includes("."))
        .map(([name, action]) => [name, action.appliesTo?.resourceTypes]),
    );
    const expected = Object.fromEntries(
      Object.entries(ACTION_RESOURCE_TYPES).map(([name, type]) => [name, [type]]),
    );
    expect(operations).toEqual(expected);
  });
});

describe("default policies", () => {
  it("validate against the schema in strict mode", () => {
    const answer = validate({
      schema: SCHEMA_TEXT,
      policies: {
        staticPolicies: Object.fromEntries(DEFAULT_POLICIES.map((policy) => [policy.id, policy.text])),
      },
      validationSettings: { mode: "strict" },
    });
    expect(answer).toMatchObject({ type: "success", validationErrors: [], validationWarnings: [] });
  });

  it("are the documented set, and every forbid tells the user why", () => {
    expect(DEFAULT_POLICIES.map((policy) => `${policy.effect} ${policy.id}`)).toEqual([
      "forbid tenant-isolation",
      "forbid grant-held-roles-only",
      "forbid owner-grants-owner",
      "forbid owner-protected",
      "forbid first-party-clients-platform-only",
      "permit platform-admin",
      "permit tenant-admins",
      "permit self-read",
      "permit self-update-profile",
      "forbid accounts-platform-wide",
      "forbid account-changes-platform-wide",
      "forbid account-read-platform-wide",
      "permit self-account-read",
      "permit self-account-profile",
    ]);
    for (const policy of DEFAULT_POLICIES.filter((p) => p.effect === "forbid")) {
      expect(policy.notice?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it.each([
    ["a policy without @id", { "a.cedar": `permit (principal, action, resource);` }, /no @id/],
    [
      "a duplicate @id",
      {
        "a.cedar": `@id("x") permit (principal, action, resource);`,
        "b.cedar": `@id("x") forbid (principal, action, resource);`,
      },
      /duplicate @id\("x"\)/,
    ],
    [
      "an id with the tenant prefix",
      { "a.cedar": `@id("tenant:x") permit (principal, action, resource);` },
      /tenant prefix/,
    ],
    ["a syntax error", { "a.cedar": `@id("x") permit (principal, action, resource) when {` }, /a\.cedar/],
  ])("refuse to load %s", (_, sources, message) => {
    expect(() => parseDefaultPolicies(sources)).toThrow(message);
  });
});
