import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { dereference, validate } from "@scalar/openapi-parser";
import type { OpenAPIV3_1 } from "openapi-types";
import { seedEndpoints } from "../../../../test/helpers/fixtures.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import { SCALAR_ASSET_PATH } from "../docs/index.ts";

type Document = OpenAPIV3_1.Document;
type Schema = OpenAPIV3_1.SchemaObject;

let t: TestApp;
let doc: Document;
let adminToken: string;

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("/openapi.json");
  expect(response.status).toBe(200);
  doc = (await response.json()) as Document;
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

function operation(path: string, method: string): OpenAPIV3_1.OperationObject | undefined {
  return (doc.paths?.[path] as Record<string, OpenAPIV3_1.OperationObject> | undefined)?.[
    method.toLowerCase()
  ];
}

/** A small JSON-schema check covering what the documents use: type, properties, required, items, anyOf, $ref. */
function conforms(schema: Schema | undefined, value: unknown, where = "$"): string[] {
  if (!schema) return [];
  if (schema.anyOf) {
    const ok = schema.anyOf.some((s) => conforms(s as Schema, value, where).length === 0);
    return ok ? [] : [`${where}: matches no anyOf branch`];
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (value === null) {
    return types.length === 0 || types.includes("null") ? [] : [`${where}: null`];
  }
  const actual = Array.isArray(value)
    ? "array"
    : typeof value === "number" && Number.isInteger(value)
      ? "integer"
      : typeof value;
  if (
    types.length > 0 &&
    !types.some((type) => type === actual || (type === "number" && actual === "integer"))
  ) {
    return [`${where}: expected ${types.join("|")}, got ${actual}`];
  }
  const errors: string[] = [];
  if (actual === "object" && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${where}.${key}: missing`);
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (key in object) errors.push(...conforms(sub as Schema, object[key], `${where}.${key}`));
    }
  }
  if (actual === "array" && "items" in schema && schema.items) {
    for (const [i, item] of (value as unknown[]).entries()) {
      errors.push(...conforms(schema.items as Schema, item, `${where}[${i}]`));
    }
  }
  return errors;
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toStartWith("3.1");
    const result = await validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents every route the app registers", () => {
    const hidden = new Set(["/api/auth/*", "/openapi.json", "/docs", SCALAR_ASSET_PATH]);
    const missing = t.app.routes
      .filter((route) => !hidden.has(route.path) && route.method !== "OPTIONS")
      .map((route) => [route.method, route.path.replace(/:(\w+)/g, "{$1}")] as const)
      .filter(([method, path]) => !operation(path, method))
      .map(([method, path]) => `${method} ${path}`);
    expect(missing).toEqual([]);
  });

  it("documents every endpoint of seed 000, with its tag", () => {
    const endpoints = seedEndpoints();
    expect(endpoints).toHaveLength(77);
    const missing = endpoints
      .filter(
        ([method, path]) =>
          !operation(path.replace(/:(\w+)/g, "{$1}"), method)?.tags?.[0]?.startsWith("Better Auth"),
      )
      .map(([method, path]) => `${method} ${path}`);
    expect(missing).toEqual([]);
  });

  it("marks the older aliases as deprecated", () => {
    expect(operation("/api/auth/forget-password", "post")?.deprecated).toBe(true);
    expect(operation("/api/auth/account-info", "post")?.deprecated).toBe(true);
    expect(operation("/api/auth/account-info", "get")?.deprecated).toBeUndefined();
  });

  it("describes what sample routes really return", async () => {
    const { schema: resolved } = await dereference(structuredClone(doc));
    const resolvedDoc = resolved as Document;
    const samples: [string, string, RequestInit & { token?: string; json?: unknown }][] = [
      ["get", "/api/auth/ok", {}],
      ["get", "/api/auth/get-session", { token: adminToken }],
      ["get", "/api/auth/list-sessions", { token: adminToken }],
      ["get", "/api/auth/admin/list-users", { token: adminToken }],
      ["get", "/health", {}],
      ["get", "/i18n/test", {}],
      ["get", "/cache/health", {}],
      ["get", "/v1/users", { token: adminToken }],
      ["get", "/v1/roles", { token: adminToken }],
      [
        "post",
        "/api/auth/admin/create-user",
        { token: adminToken, json: { email: "doc@example.com", password: "password-123", name: "Doc" } },
      ],
    ];
    for (const [method, path, init] of samples) {
      const response = await t.request(path, { ...init, method: method.toUpperCase() });
      expect(response.status).toBe(200);
      const op = (resolvedDoc.paths?.[path] as Record<string, OpenAPIV3_1.OperationObject> | undefined)?.[
        method
      ];
      const content = (op?.responses?.["200"] as OpenAPIV3_1.ResponseObject | undefined)?.content;
      const schema = content?.["application/json"]?.schema as Schema | undefined;
      expect(schema, `${method} ${path} has a 200 schema`).toBeDefined();
      expect(conforms(schema, await response.json()), `${method} ${path}`).toEqual([]);
    }
  });
});
