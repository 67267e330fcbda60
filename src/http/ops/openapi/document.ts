/**
 * Builds the one OpenAPI 3.1 document of Gatehouse: better-auth's generated schema (its paths prefixed with
 * /api/auth, tagged "Better Auth" by plugin, plus the older aliases Gatehouse keeps) merged with every Elysia
 * route, whose schemas come from each module's `t` models; then completed (contract.ts: bodies, statuses,
 * security, operation ids) and written in plain 3.1 schema terms (json-schema.ts).
 */
import { toOpenAPISchema } from "@elysiajs/openapi";
import "./format-checks.ts";
import type { AnyElysia } from "elysia";
import type { OpenAPIV3_1 } from "openapi-types";
import type { Auth } from "../../../auth/index.ts";
import { BETTER_AUTH_REPLACED, BETTER_AUTH_SUCCESS } from "./better-auth-success.ts";
import { completeContract, HTTP_METHODS } from "./contract.ts";
import { normalizeSchemas, wholeNumbers } from "./json-schema.ts";
import { SECURITY_SCHEMES } from "./surfaces.ts";

type Document = OpenAPIV3_1.Document;
type PathItem = OpenAPIV3_1.PathItemObject;
type Operation = OpenAPIV3_1.OperationObject;

const AUTH_BASE = "/api/auth";

/** Older names kept as aliases (docs/contracts.md): alias path → [method, current path, current method]. */
const ALIASES: readonly (readonly [string, string, string, string])[] = [
  ["post", "/forget-password", "/request-password-reset", "post"],
  ["post", "/phone-number/forget-password", "/phone-number/request-password-reset", "post"],
  ["post", "/account-info", "/account-info", "get"],
];

/** Tags of the groups besides Better Auth, in the order the docs show them. */
export const TAGS: readonly OpenAPIV3_1.TagObject[] = [
  { name: "Health", description: "Liveness and detailed health of the server and its dependencies" },
  { name: "I18n", description: "Localization: locale negotiation, catalogues and language preference" },
  { name: "Cache", description: "Cache health, metrics and administration" },
  { name: "Metrics", description: "Prometheus metrics" },
  { name: "Users", description: "Tenant-scoped user management" },
  { name: "GeoLens", description: "GeoLens admin users API (compatibility dialect, FastAPI shapes)" },
  { name: "Hasura", description: "Hasura Auth v1 API (compatibility dialect, `{code, message}` errors)" },
];

function authTag(pluginTag: string | undefined): string {
  return !pluginTag || pluginTag === "Default" ? "Better Auth" : `Better Auth: ${pluginTag}`;
}

function betterAuthPaths(schema: Document): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {};
  for (const [path, item] of Object.entries(schema.paths ?? {})) {
    if (!item) continue;
    const tagged: Record<string, Operation> = {};
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const key = `${method} ${path}`;
      const responses = { ...BETTER_AUTH_SUCCESS[key], ...operation.responses, ...BETTER_AUTH_REPLACED[key] };
      tagged[method] = { ...operation, responses, tags: [authTag(operation.tags?.[0])] };
    }
    paths[`${AUTH_BASE}${path}`] = tagged as PathItem;
  }
  for (const [method, alias, target, targetMethod] of ALIASES) {
    const operation = (schema.paths?.[target] as Record<string, Operation | undefined> | undefined)?.[
      targetMethod
    ];
    if (!operation) continue;
    const aliasOperation: Operation = {
      ...operation,
      // Without an id of its target, contract.ts derives one from the alias's path.
      operationId: operation.operationId ? `${operation.operationId}Alias` : undefined,
      deprecated: true,
      description: `Older name of ${targetMethod.toUpperCase()} ${AUTH_BASE}${target}, kept for existing clients.`,
      tags: [authTag(operation.tags?.[0])],
    };
    if (targetMethod === "get" && method === "post") {
      // The alias takes the query parameters as a JSON body.
      const properties = Object.fromEntries(
        (operation.parameters ?? [])
          .filter((p): p is OpenAPIV3_1.ParameterObject => "in" in p && p.in === "query")
          .map((p) => [p.name, (p.schema ?? { type: "string" }) as OpenAPIV3_1.SchemaObject]),
      );
      aliasOperation.parameters = [];
      aliasOperation.requestBody = {
        content: { "application/json": { schema: { type: "object", properties } } },
      };
    }
    const aliasPath = `${AUTH_BASE}${alias}`;
    paths[aliasPath] = { ...paths[aliasPath], [method]: aliasOperation };
  }
  return paths;
}

/**
 * better-auth documents optional model fields as plain `string`/`boolean`, but returns `null` for them; allow
 * null on every optional property so clients generated from the document accept real responses.
 */
function nullableOptionals(
  schemas: Record<string, OpenAPIV3_1.SchemaObject>,
): Record<string, OpenAPIV3_1.SchemaObject> {
  const out: Record<string, OpenAPIV3_1.SchemaObject> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const required = new Set(schema.required ?? []);
    const properties = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([key, property]) => {
        const type = (property as OpenAPIV3_1.SchemaObject).type;
        if (required.has(key) || typeof type !== "string") return [key, property];
        return [key, { ...property, type: [type, "null"] }];
      }),
    );
    out[name] = schema.properties ? ({ ...schema, properties } as OpenAPIV3_1.SchemaObject) : schema;
  }
  return out;
}

/** Statuses that never carry a body; the generator gives `t.Null()` responses a (null) schema anyway. */
const BODYLESS = ["204", "304"];

function withoutBodies(paths: Record<string, PathItem>): void {
  for (const item of Object.values(paths)) {
    for (const method of HTTP_METHODS) {
      const responses = item[method]?.responses as Record<string, OpenAPIV3_1.ResponseObject> | undefined;
      for (const status of BODYLESS) {
        const response = responses?.[status];
        if (response) responses[status] = { description: response.description || "No content" };
      }
    }
  }
}

export async function buildOpenApiDocument(app: AnyElysia, auth: Auth, version: string): Promise<Document> {
  const authSchema = wholeNumbers((await auth.api.generateOpenAPISchema()) as unknown as Document);
  const own = toOpenAPISchema(app, { paths: [`${AUTH_BASE}/*`] }, undefined, undefined, "3.1.1");
  withoutBodies(own.paths as Record<string, PathItem>);
  const authTags = new Set<string>();
  for (const item of Object.values(authSchema.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (operation) authTags.add(authTag(operation.tags?.[0]));
    }
  }
  const document: Document = {
    openapi: "3.1.1",
    info: {
      title: "Gatehouse",
      version,
      description:
        "Self-hostable identity and user-management API: Better Auth at /api/auth, health, i18n, cache, " +
        "tenant user management and compatibility dialects.",
    },
    tags: [...TAGS, ...[...authTags].sort().map((name) => ({ name, description: "Better Auth endpoints" }))],
    paths: { ...(own.paths as Record<string, PathItem>), ...betterAuthPaths(authSchema) },
    components: {
      ...authSchema.components,
      schemas: {
        ...(own.components.schemas ?? {}),
        ...nullableOptionals(
          (authSchema.components?.schemas ?? {}) as Record<string, OpenAPIV3_1.SchemaObject>,
        ),
      },
      securitySchemes: { ...authSchema.components?.securitySchemes, ...SECURITY_SCHEMES },
    },
  };
  completeContract(document, app.routes);
  return normalizeSchemas(document);
}
