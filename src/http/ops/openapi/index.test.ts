import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { dereference, validate } from "@scalar/openapi-parser";
import { Validator } from "@seriousme/openapi-schema-validator";
import type { OpenAPIV3_1 } from "openapi-types";
import { seedEndpoints } from "../../../../test/helpers/fixtures.ts";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import { OIDC_PREFIXES } from "../../oidc/index.ts";
import { PAGE_PREFIXES } from "../../pages/index.ts";
import { SCALAR_ASSET_PATH } from "../docs/index.ts";

type Document = OpenAPIV3_1.Document;
type Schema = OpenAPIV3_1.SchemaObject;
type Operation = OpenAPIV3_1.OperationObject;

let t: TestApp;
let doc: Document;
/** The document with every $ref replaced by its target. */
let resolved: Document;
let adminToken: string;

beforeAll(async () => {
  t = await createTestApp();
  const response = await t.request("/openapi.json");
  expect(response.status).toBe(200);
  doc = (await response.json()) as Document;
  resolved = (await dereference(structuredClone(doc))).schema as Document;
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
});
afterAll(() => t.close());

function operation(path: string, method: string, of: Document = doc): Operation | undefined {
  return (of.paths?.[path] as Record<string, Operation> | undefined)?.[method.toLowerCase()];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Every operation of a document, with its path and method. */
function allOperations(of: Document = doc): { path: string; method: string; op: Operation }[] {
  return Object.entries(of.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = (item as Record<string, Operation | undefined>)[method];
      return op ? [{ path, method, op }] : [];
    }),
  );
}

/** Every object in a JSON value, with where it is. */
function* objects(value: unknown, where = "$"): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* objects(item, `${where}[${i}]`);
  } else if (value && typeof value === "object") {
    yield [where, value as Record<string, unknown>];
    for (const [key, child] of Object.entries(value)) yield* objects(child, `${where}.${key}`);
  }
}

const jsonSchemaOf = (body: unknown) =>
  (body as OpenAPIV3_1.RequestBodyObject | OpenAPIV3_1.ResponseObject | undefined)?.content?.[
    "application/json"
  ]?.schema as Schema | undefined;

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
    // The hosted pages are HTML for people, not API operations (src/http/pages/context.ts PAGE_ROUTE).
    // The OpenID Provider's endpoints are described by its discovery document, not OpenAPI (src/http/oidc/index.ts).
    const isPage = (path: string) =>
      [...PAGE_PREFIXES, ...OIDC_PREFIXES].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    const missing = t.app.routes
      .filter((route) => !hidden.has(route.path) && !isPage(route.path) && route.method !== "OPTIONS")
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

  it("describes what sample routes really return, errors included", async () => {
    type Init = RequestInit & { token?: string; json?: unknown };
    const created = { email: "doc@example.com", password: "password-123", name: "Doc" };
    const samples: [method: string, path: string, status: number, init: Init, url?: string][] = [
      ["get", "/api/auth/ok", 200, {}],
      ["get", "/api/auth/get-session", 200, { token: adminToken }],
      ["get", "/api/auth/list-sessions", 200, { token: adminToken }],
      ["get", "/api/auth/admin/list-users", 200, { token: adminToken }],
      ["get", "/health", 200, {}],
      ["get", "/i18n/test", 200, {}],
      ["get", "/cache/health", 200, {}],
      ["get", "/v1/users", 200, { token: adminToken }],
      ["get", "/v1/roles", 200, { token: adminToken }],
      ["post", "/api/auth/admin/create-user", 200, { token: adminToken, json: created }],
      ["post", "/api/auth/is-username-available", 200, { json: { username: "nobody_yet" } }],
      // Refusals, each in its surface's shape.
      [
        "post",
        "/api/auth/sign-in/email",
        401,
        { json: { email: created.email, password: "wrong-password" } },
      ],
      ["post", "/api/auth/admin/create-user", 401, { json: created }],
      ["post", "/v1/users", 400, { token: adminToken, json: { name: "No e-mail" } }],
      ["get", "/v1/users", 401, { token: "not-a-session" }],
      ["get", "/v1/users/{id}", 404, { token: adminToken }, "/v1/users/no-such-user"],
      ["get", "/api/admin/users/", 401, {}],
      ["post", "/api/admin/users/", 422, { token: adminToken, json: { username: "x" } }],
      ["post", "/v1/admin/create-user", 401, { json: { provider: "email", data: created } }],
      ["post", "/v1/login", 400, { json: { provider: "email" } }],
    ];
    for (const [method, path, status, init, url] of samples) {
      const response = await t.request(url ?? path, { ...init, method: method.toUpperCase() });
      expect(response.status, `${method} ${url ?? path}`).toBe(status);
      const schema = jsonSchemaOf(operation(path, method, resolved)?.responses?.[String(status)]);
      expect(schema, `${method} ${path} documents ${status}`).toBeDefined();
      expect(conforms(schema, await response.json()), `${method} ${path} ${status}`).toEqual([]);
    }
  });
});

describe("the OpenAPI contract", () => {
  it("validates against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("gives every operation a unique operationId usable as an identifier", () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const { path, method, op } of allOperations()) {
      const id = op.operationId;
      const where = `${method} ${path}`;
      if (!id) problems.push(`${where}: no operationId`);
      else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(id)) problems.push(`${where}: ${id} is no identifier`);
      else if (seen.has(id)) problems.push(`${where}: ${id} is also ${seen.get(id)}`);
      else seen.set(id, where);
    }
    expect(problems).toEqual([]);
  });

  it("documents a success answer for every operation", () => {
    const silent = allOperations()
      .filter(({ op }) => !Object.keys(op.responses ?? {}).some((status) => /^[23]/.test(status)))
      .map(({ path, method }) => `${method} ${path}`);
    expect(silent).toEqual([]);
  });

  it("documents a schema for every request body", () => {
    // The only POST operations that take no body at all.
    const bodyless = new Set([
      "post /cache/test",
      "post /api/auth/admin/stop-impersonating",
      "post /v1/oauth-clients/{id}/rotate-secret",
    ]);
    const problems: string[] = [];
    for (const { path, method, op } of allOperations(resolved)) {
      const where = `${method} ${path}`;
      const body = op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      if (!body) {
        if (["post", "put", "patch"].includes(method) && !bodyless.has(where))
          problems.push(`${where}: no body`);
        continue;
      }
      const media = Object.entries(body.content ?? {});
      if (media.length === 0) problems.push(`${where}: content {}`);
      for (const [type, { schema }] of media) {
        const shape = schema as Schema | undefined;
        if (!shape || !(shape.type || shape.anyOf || shape.oneOf))
          problems.push(`${where} ${type}: no schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("documents the bodies the native and Hasura routes parse", () => {
    const native = jsonSchemaOf(operation("/v1/users", "post", resolved)?.requestBody);
    expect(native?.required).toContain("email");
    expect(Object.keys(native?.properties ?? {})).toEqual(
      expect.arrayContaining(["email", "name", "password", "roles", "auth_provider", "avatar_base64"]),
    );
    const patch = jsonSchemaOf(operation("/v1/users/{id}", "patch", resolved)?.requestBody);
    expect(Object.keys(patch?.properties ?? {})).toEqual(expect.arrayContaining(["active", "roles"]));
    const hasura = jsonSchemaOf(operation("/v1/admin/create-user", "post", resolved)?.requestBody);
    const providers = (hasura?.anyOf ?? []).map((b) => ((b as Schema).properties?.provider as Schema)?.const);
    expect(providers).toEqual(["username", "email", "mobile-password", "mobile"]);
    const role = jsonSchemaOf(operation("/v1/admin/add-role", "post", resolved)?.requestBody);
    expect(role?.required).toEqual(["hasura_id", "role"]);
  });

  /** What each surface's errors look like on the wire (docs/contracts.md), by path. */
  function errorShape(path: string): string[] {
    if (path.startsWith("/api/auth/")) return ["code", "message"];
    if (path.startsWith("/api/admin/users")) return ["detail"];
    // RFC 7591's `{error, error_description}`; the pipeline's refusals there (413, 415) carry `error` too.
    if (path === "/v1/oauth-clients/register") return ["error"];
    if (/^\/v1\/(users|roles|api-keys|policies)(\/|$)/.test(path)) return ["code", "error", "message"];
    if (path.startsWith("/v1/")) return ["code", "message"];
    return ["code", "error", "message"];
  }

  it("documents every error status an operation can answer, in its surface's shape", () => {
    const problems: string[] = [];
    for (const { path, method, op } of allOperations(resolved)) {
      const where = `${method} ${path}`;
      const responses = (op.responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>;
      const expected = ["500"];
      const geolens = path.startsWith("/api/admin/users");
      const invalid = geolens ? "422" : "400";
      if (op.requestBody) expected.push("413", "415", invalid);
      if ((op.parameters ?? []).some((p) => "in" in p && p.in !== "header")) expected.push(invalid);
      if (path.includes("{")) expected.push("404");
      if ((op.security ?? []).some((r) => Object.keys(r).length > 0)) expected.push("401", "403");
      for (const status of expected) if (!responses[status]) problems.push(`${where}: no ${status}`);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status) || status === "503") continue;
        const schema = jsonSchemaOf(response);
        const branches = schema?.anyOf ? (schema.anyOf as Schema[]) : [schema];
        for (const branch of branches) {
          const missing = errorShape(path).filter((field) => !branch?.required?.includes(field));
          if (missing.length > 0) problems.push(`${where} ${status}: lacks ${missing.join(", ")}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("documents 503 database_unavailable with Retry-After, in the surface's shape, where the database is reached", () => {
    // The operations that never reach the database (src/http/ops/openapi/contract.ts DATABASE_FREE).
    const free = new Set([
      "get /metrics",
      "get /health",
      "get /cache/health",
      "get /i18n/test",
      "get /i18n/test-params",
      "get /i18n/type-safety",
    ]);
    const problems: string[] = [];
    let documented = 0;
    for (const { path, method, op } of allOperations(resolved)) {
      const where = `${method} ${path}`;
      const response = (op.responses as Record<string, OpenAPIV3_1.ResponseObject> | undefined)?.["503"];
      if (free.has(where)) continue;
      if (!response) {
        problems.push(`${where}: no 503`);
        continue;
      }
      documented++;
      if (!response.headers?.["Retry-After"]) problems.push(`${where} 503: no Retry-After`);
      const schema = jsonSchemaOf(response);
      const branches = schema?.anyOf ? (schema.anyOf as Schema[]) : [schema];
      const fits = branches.some((branch) =>
        errorShape(path).every((field) => branch?.required?.includes(field)),
      );
      if (!fits) problems.push(`${where} 503: not in the shape ${errorShape(path).join(", ")}`);
    }
    expect(problems).toEqual([]);
    expect(documented).toBeGreaterThan(100);
    for (const path of ["/api/auth/sign-up/email", "/v1/users", "/api/admin/users/", "/v1/signup"]) {
      expect(operation(path, "post")?.responses?.["503"], path).toBeDefined();
    }
  });

  it("documents 429 with Retry-After where a rate limit applies", () => {
    for (const [path, method] of [
      ["/v1/users", "post"],
      ["/v1/login", "post"],
      ["/api/auth/sign-in/email", "post"],
      ["/health/detailed", "get"],
    ] as const) {
      const response = operation(path, method)?.responses?.["429"] as OpenAPIV3_1.ResponseObject | undefined;
      expect(response, `${method} ${path}`).toBeDefined();
      if (!path.startsWith("/api/auth")) expect(response?.headers?.["Retry-After"]).toBeDefined();
    }
  });

  it("documents the credentials: Bearer, X-API-Key, and X-Tenant-ID on the native /v1 routes", () => {
    const schemes = doc.components?.securitySchemes as Record<string, OpenAPIV3_1.SecuritySchemeObject>;
    expect(schemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemes.apiKeyAuth).toMatchObject({ type: "apiKey", in: "header", name: "X-API-Key" });
    expect(schemes.sessionCookie).toMatchObject({ type: "apiKey", in: "cookie" });
    const native = allOperations().filter(({ path }) =>
      /^\/v1\/(users|roles|api-keys|policies)(\/|$)/.test(path),
    );
    expect(native.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { path, method, op } of native) {
      const where = `${method} ${path}`;
      const tenant = (op.parameters ?? []).find((p) => "name" in p && p.name === "X-Tenant-ID");
      if (!tenant || !("in" in tenant) || tenant.in !== "header")
        problems.push(`${where}: no X-Tenant-ID header`);
      const schemes = (op.security ?? []).flatMap((r) => Object.keys(r));
      if (!schemes.includes("bearerAuth") || !schemes.includes("apiKeyAuth"))
        problems.push(`${where}: ${schemes}`);
    }
    expect(problems).toEqual([]);
    // Seed 003: without a credential, POST /v1/users is a public sign-up.
    expect(operation("/v1/users", "post")?.security).toContainEqual({});
    expect(operation("/api/admin/users/", "get")?.security).toEqual([{ bearerAuth: [] }]);
    expect(operation("/v1/admin/create-user", "post")?.security).toContainEqual({ bearerAuth: [] });
    expect(operation("/v1/login", "post")?.security).toBeUndefined();
  });

  it("writes nullable fields as 3.1 type unions, never `nullable`", () => {
    const nullable = [...objects(doc)].filter(([, node]) => typeof node.nullable === "boolean");
    expect(nullable.map(([where]) => where)).toEqual([]);
    const user = operation("/v1/users", "post", resolved)?.responses?.["201"];
    expect(jsonSchemaOf(user)?.properties?.avatar_base64).toMatchObject({ type: ["string", "null"] });
    const session = jsonSchemaOf(operation("/api/auth/sign-up/email", "post", resolved)?.responses?.["200"]);
    expect(session?.properties?.token).toMatchObject({ type: ["string", "null"] });
  });

  it("writes integers as `type: integer`", () => {
    const numeric = [...objects(doc)].filter(
      ([, node]) => "multipleOf" in node || (node.type === "string" && node.format === "integer"),
    );
    expect(numeric.map(([where]) => where)).toEqual([]);
    const hasuraUser = jsonSchemaOf(operation("/v1/admin/create-user", "post", resolved)?.responses?.["200"]);
    expect(hasuraUser?.properties?.hasura_id).toMatchObject({ type: "integer" });
    const limit = operation("/v1/users", "get")?.parameters?.find((p) => "name" in p && p.name === "limit");
    expect((limit as OpenAPIV3_1.ParameterObject | undefined)?.schema).toMatchObject({ type: "integer" });
    const list = jsonSchemaOf(operation("/api/auth/admin/list-users", "get", resolved)?.responses?.["200"]);
    expect(list?.properties?.total).toMatchObject({ type: "integer" });
  });
});
