/**
 * Completes the generated document into the contract clients rely on: what the generators leave out or get
 * wrong, derived from the routes themselves rather than written twice.
 *
 * - Request bodies: a route whose body is read by its own parser (the Hasura group's lenient JSON), or whose
 *   hooks hold an empty parser list, is documented with `content: {}` by Elysia's generator; its `t` schema is
 *   the body it accepts, as JSON.
 * - Statuses: every error an operation can answer, in its surface's shape (surfaces.ts) — validation, 413 and
 *   415 for a body, 404 for a path parameter, 429 where a rate-limit rule applies, 503 with Retry-After where
 *   the database is reached (every operation but DATABASE_FREE), 500 everywhere.
 * - Security and the tenant: the credentials each surface takes, X-Tenant-ID on the native /v1 routes.
 * - Operation ids: present, unique, and usable as identifiers by client generators.
 */
import { unwrapSchema } from "@elysiajs/openapi/openapi";
import type { AnyElysia } from "elysia";
import type { OpenAPIV3_1 } from "openapi-types";
import { routeRuleFor } from "../../pipeline/rate-limit/rules.ts";
import { ERROR_SCHEMAS, type Surface, surfaceOf, TENANT_HEADER } from "./surfaces.ts";

type PathItem = OpenAPIV3_1.PathItemObject;
type Operation = OpenAPIV3_1.OperationObject;
type Response = OpenAPIV3_1.ResponseObject;
type Route = AnyElysia["routes"][number];

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const WITH_BODY = new Set(["post", "put", "patch"]);

/**
 * The operations that never reach the database: every other one (a credential, a tenant, an account, a saved
 * locale) is answered 503 `database_unavailable` with Retry-After while the database is away or refuses writes
 * (src/http/pipeline/error-renderer.ts). A route missing here is documented with the 503, the safe side.
 */
const DATABASE_FREE = new Set([
  "get /metrics",
  "get /health",
  "get /cache/health",
  "get /i18n/test",
  "get /i18n/test-params",
  "get /i18n/type-safety",
  "get /openapi.json",
  "get /docs",
]);

/** Operations that also answer without any credential (seed 003: POST /v1/users is then a public sign-up). */
const ALSO_ANONYMOUS = new Set(["post /v1/users"]);

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  "400": "Bad request: malformed JSON, or a body, query or path parameter that fails its schema",
  "401": "Unauthenticated: no credential, or one that is expired, revoked or unknown",
  "403": "Forbidden: the credential may not do this",
  "404": "Not found",
  "409": "Conflict with existing data",
  "413": "Payload too large: the body exceeds MAX_BODY_BYTES",
  "415": "Unsupported media type: the body must be JSON",
  "422": "Unprocessable: the request is well-formed but cannot be applied",
  "429": "Too many requests: Retry-After says when to try again",
  "500": "Internal error (the body never carries details)",
  "503":
    "Service unavailable: the database is away or refuses writes (database_unavailable); Retry-After says " +
    "when to try again",
};

const RETRY_AFTER: OpenAPIV3_1.HeaderObject = {
  description: "Seconds until the request may be retried",
  schema: { type: "integer", minimum: 0 },
};

/** The statuses that come with Retry-After: a rate limit, and a database outage. */
const RETRIED = new Set(["429", "503"]);

const ref = (name: string): OpenAPIV3_1.ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

export function* operations(paths: Record<string, PathItem>) {
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) yield { path, method, operation };
    }
  }
}

/** `/v1/users/:id` → `/v1/users/{id}`, as the document writes it. */
const documentPath = (routePath: string) => routePath.replace(/:([^/]+)/g, "{$1}");

function fillRequestBodies(paths: Record<string, PathItem>, routes: readonly Route[]): void {
  for (const route of routes) {
    const method = route.method.toLowerCase() as (typeof HTTP_METHODS)[number];
    const operation = paths[documentPath(route.path)]?.[method];
    const body = route.hooks?.body;
    if (!operation || !body || !WITH_BODY.has(method)) continue;
    const content = (operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content;
    if (content && Object.keys(content).length > 0) continue;
    const schema = unwrapSchema(body, undefined, "input", "3.1.1");
    if (!schema) continue;
    operation.requestBody = {
      required: true,
      content: { "application/json": { schema: JSON.parse(JSON.stringify(schema)) } },
    };
  }
}

/**
 * Bodies are JSON on every surface but better-auth's: a body declared as anything else is refused (415), so the
 * form encodings Elysia's generator lists by default are not part of the contract.
 */
function onlyJsonBodies(operation: Operation, surface: Surface): void {
  const body = operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
  const json = body?.content?.["application/json"];
  if (!body || !json || surface.name === "better-auth") return;
  body.content = { "application/json": json };
}

function hasPathParameter(path: string): boolean {
  return /\{[^}]+\}/.test(path);
}

function hasInput(operation: Operation): boolean {
  return (operation.parameters ?? []).length > 0;
}

/** Whether a rule of the own rate limiter counts this operation (better-auth documents its own 429s). */
function rateLimited(path: string, method: string): boolean {
  const sample = path.replace(/\{[^}]+\}/g, "1");
  return (
    routeRuleFor(sample, new Request(`http://gatehouse${sample}`, { method: method.toUpperCase() })) !==
    undefined
  );
}

function errorResponse(surface: Surface, status: string, description?: string): Response {
  const schema = status === surface.invalid.status ? surface.invalid.schema : surface.error;
  const shapes = schema === surface.error ? ref(schema) : { anyOf: [ref(schema), ref(surface.error)] };
  return {
    description: description || (DESCRIPTIONS[status] ?? `Status ${status}`),
    ...(RETRIED.has(status) ? { headers: { "Retry-After": RETRY_AFTER } } : {}),
    content: { "application/json": { schema: shapes } },
  };
}

/** The error statuses an operation can answer, besides those its route declares. */
function errorStatuses(path: string, method: string, operation: Operation, surface: Surface): Set<string> {
  const statuses = new Set(["500"]);
  const add = (...more: string[]) => {
    for (const status of more) statuses.add(status);
  };
  const secured = (operation.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
  if (operation.requestBody !== undefined) add("413", "415", surface.invalid.status);
  if (hasInput(operation)) add(surface.invalid.status);
  if (hasPathParameter(path)) add("404");
  if (secured) add("401", "403");
  // Every native route resolves a credential and a tenant (X-Tenant-ID may name an unknown one: 404).
  if (surface.name === "native") add("400", "401", "403", "404");
  if (surface.name === "better-auth" || rateLimited(path, method)) add("429");
  if (!DATABASE_FREE.has(`${method} ${path}`)) add("503");
  return statuses;
}

/**
 * A route that declares a 503 of its own (a health report saying `down`) answers the outage's 503 too, when the
 * credential it checks cannot be looked up: both bodies are documented, and the Retry-After that comes with the
 * outage's.
 */
function withOutage(own: Response, surface: Surface): Response {
  const outage = errorResponse(surface, "503");
  const ownSchema = own.content?.["application/json"]?.schema;
  const outageSchema = outage.content?.["application/json"]?.schema;
  if (!ownSchema || !outageSchema) return { ...outage, description: own.description || outage.description };
  return {
    description: `${own.description ? `${own.description}; or ` : ""}${DESCRIPTIONS["503"]}`,
    headers: { ...own.headers, "Retry-After": RETRY_AFTER },
    content: { ...own.content, "application/json": { schema: { anyOf: [ownSchema, outageSchema] } } },
  };
}

function completeResponses(path: string, method: string, operation: Operation, surface: Surface): void {
  const responses = (operation.responses ?? {}) as Record<string, Response>;
  for (const status of errorStatuses(path, method, operation, surface)) {
    if (!responses[status]) responses[status] = errorResponse(surface, status);
    else if (status === "503" && surface.name !== "better-auth")
      responses[status] = withOutage(responses[status], surface);
  }
  for (const [status, response] of Object.entries(responses)) {
    if (!/^[45]/.test(status)) continue;
    if (surface.name === "better-auth") {
      // better-auth documents `{message}`; it answers `{code, message}`.
      responses[status] = errorResponse(surface, status, response.description);
    } else if (status === "429" && !response.headers) {
      responses[status] = { ...response, headers: { "Retry-After": RETRY_AFTER } };
    }
  }
  operation.responses = responses;
}

function completeSecurity(path: string, method: string, operation: Operation, surface: Surface): void {
  if (operation.security === undefined && surface.security && surface.security.length > 0) {
    operation.security = [...surface.security];
  }
  // Operational routes answer 401 to anyone but a platform admin's session (or the monitoring token).
  const refusesAnonymous =
    (operation.responses as Record<string, unknown> | undefined)?.["401"] !== undefined;
  if (surface.name === "ops" && operation.security === undefined && refusesAnonymous) {
    operation.security = [{ bearerAuth: [] }, { sessionCookie: [] }];
  }
  if (ALSO_ANONYMOUS.has(`${method} ${path}`) && operation.security) operation.security.push({});
  if (surface.name === "native") {
    const parameters = operation.parameters ?? [];
    const named = (p: OpenAPIV3_1.ParameterObject | OpenAPIV3_1.ReferenceObject) =>
      "name" in p && p.in === "header" && p.name.toLowerCase() === "x-tenant-id";
    if (!parameters.some(named)) operation.parameters = [...parameters, TENANT_HEADER];
  }
}

/** `post /v1/admin/create-user` → `postV1AdminCreateUser`. */
function identifier(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words
    .map((word, i) => (i === 0 ? word.charAt(0).toLowerCase() : word.charAt(0).toUpperCase()) + word.slice(1))
    .join("");
}

function assignOperationIds(paths: Record<string, PathItem>): void {
  const taken = new Set<string>();
  const all = [...operations(paths)];
  // better-auth's own ids are its API names (signInEmail): kept where valid and unique, the rest derived.
  for (const { operation } of all) {
    const id = operation.operationId;
    if (id && identifier(id) === id && !taken.has(id)) taken.add(id);
    else delete operation.operationId;
  }
  for (const { path, method, operation } of all) {
    if (operation.operationId) continue;
    const base = identifier(`${method} ${path.replace(/^\/api\/auth\//, "/").replace(/[{}]/g, "")}`);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    operation.operationId = id;
  }
}

/** Completes `document` in place; `routes` are the app's (`app.routes`). */
export function completeContract(document: OpenAPIV3_1.Document, routes: readonly Route[]): void {
  const paths = (document.paths ?? {}) as Record<string, PathItem>;
  fillRequestBodies(paths, routes);
  for (const { path, method, operation } of operations(paths)) {
    const surface = surfaceOf(path);
    onlyJsonBodies(operation, surface);
    completeSecurity(path, method, operation, surface);
    completeResponses(path, method, operation, surface);
  }
  assignOperationIds(paths);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...ERROR_SCHEMAS },
  };
}
