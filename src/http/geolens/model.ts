/**
 * Wire shapes of the GeoLens admin users API (seed 002, a FastAPI service). The `t` schemas document the routes;
 * requests are validated here by hand, as pydantic would, because Elysia's validation errors cannot take
 * FastAPI's 422 shape (the app-wide error handler renders them first).
 */
import { t } from "elysia";
import type { OpenAPIV3 } from "openapi-types";
import { GEOLENS_ROLES } from "../../identity/accounts/global-roles.ts";
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN } from "../../identity/accounts/rules.ts";
import { pythonJsonError } from "./json-error.ts";
import {
  type Checked,
  checkBool,
  checkEmail,
  checkLiteral,
  checkQueryInt,
  checkString,
  checkUuid,
  type Loc,
  missing,
  type ValidationIssue,
} from "./pydantic.ts";

// GeoLens's roles are names of the one global-role catalogue (src/identity/accounts/global-roles.ts).
export const ROLES = GEOLENS_ROLES;
export type GeoLensRole = (typeof ROLES)[number];
export const STATUSES = ["active", "pending", "disabled"] as const;
export const SORTS = ["created_at", "username", "email", "last_login_at"] as const;
export const ORDERS = ["asc", "desc"] as const;

/** GeoLens's limits: Gatehouse's one identifier and password policy (src/auth/account-rules.ts). */
export const LIMITS = {
  usernameMin: USERNAME_MIN,
  usernameMax: USERNAME_MAX,
  passwordMin: PASSWORD_MIN,
  passwordMax: PASSWORD_MAX,
  pageMax: 200,
} as const;

// ---- documentation schemas ----

export const AdminUserCreate = t.Object(
  {
    username: t.String({
      minLength: LIMITS.usernameMin,
      maxLength: LIMITS.usernameMax,
      description: "Login username (3-150 chars). Must be unique across the system.",
    }),
    password: t.String({
      minLength: LIMITS.passwordMin,
      maxLength: LIMITS.passwordMax,
      description: "Initial password (minimum 8 characters). The user can change this after first login.",
    }),
    email: t.Optional(
      t.Union([t.String({ format: "email", description: "Optional unique e-mail address" }), t.Null()]),
    ),
    role: t.Optional(
      t.UnionEnum([...ROLES], {
        default: "viewer",
        description: "User role: 'admin', 'editor', or 'viewer'. Defaults to 'viewer'.",
      }),
    ),
  },
  { title: "AdminUserCreate" },
);

export const AdminUserUpdate = t.Object(
  {
    // `null` leaves a field unchanged.
    email: t.Optional(t.Union([t.String({ format: "email" }), t.Null()])),
    is_active: t.Optional(t.Union([t.Boolean(), t.Null()])),
    status: t.Optional(t.Union([t.UnionEnum([...STATUSES]), t.Null()])),
    role: t.Optional(t.Union([t.UnionEnum([...ROLES]), t.Null()])),
  },
  { title: "AdminUserUpdate" },
);

export const UserResponse = t.Object(
  {
    id: t.String({ format: "uuid" }),
    username: t.Union([t.String(), t.Null()]),
    email: t.Union([t.String(), t.Null()]),
    is_active: t.Boolean(),
    status: t.String({ description: "Account status: active, pending, disabled" }),
    last_login_at: t.Union([t.String({ format: "date-time" }), t.Null()]),
    created_at: t.String({ format: "date-time" }),
    roles: t.Array(t.String(), { description: "Assigned role names, e.g. ['admin', 'editor']" }),
  },
  { title: "UserResponse" },
);

export const UserListResponse = t.Object(
  { users: t.Array(UserResponse), total: t.Integer({ minimum: 0 }) },
  { title: "UserListResponse" },
);

export const HTTPError = t.Object({ detail: t.String() }, { title: "HTTPError" });

export const HTTPValidationError = t.Object(
  {
    detail: t.Array(
      t.Object(
        {
          type: t.String({ title: "Error Type" }),
          loc: t.Array(t.Union([t.String(), t.Integer()]), { title: "Location" }),
          msg: t.String({ title: "Message" }),
          input: t.Optional(t.Unknown({ title: "Input" })),
          ctx: t.Optional(t.Record(t.String(), t.Unknown(), { title: "Context" })),
        },
        { title: "ValidationError" },
      ),
    ),
  },
  { title: "HTTPValidationError" },
);

/** `{id}` as documented; validated by `parseUserId` (a `t` format here would bypass FastAPI's error shape). */
export const UserIdParams = t.Object({ id: t.String({ description: "The user's id (UUID)" }) });

export const LIST_QUERY_PARAMETERS: OpenAPIV3.ParameterObject[] = [
  { name: "skip", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
  {
    name: "limit",
    in: "query",
    schema: { type: "integer", minimum: 1, maximum: LIMITS.pageMax, default: 50 },
  },
  { name: "status", in: "query", schema: { type: "string", enum: [...STATUSES] } },
  {
    name: "search",
    in: "query",
    schema: { type: "string" },
    description: "Part of the username, e-mail or name",
  },
  { name: "sort", in: "query", schema: { type: "string", enum: [...SORTS], default: "created_at" } },
  { name: "order", in: "query", schema: { type: "string", enum: [...ORDERS], default: "desc" } },
];

// ---- request parsing ----

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

/** The request body as FastAPI reads it, before any authentication (so a JSON error comes first, as there). */
export type RawBody =
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "other"; readonly text: string }
  | { readonly kind: "empty" }
  | { readonly kind: "invalid"; readonly issue: ValidationIssue };

export function readBody(text: string, contentType: string | null): RawBody {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  // FastAPI parses JSON when the header is absent or says application/json (or +json); other bodies are bytes.
  const json =
    !type || type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
  if (text === "") return { kind: "empty" };
  if (!json) return { kind: "other", text };
  try {
    return { kind: "json", value: JSON.parse(text) };
  } catch {
    const { pos, msg } = pythonJsonError(text);
    return {
      kind: "invalid",
      issue: {
        type: "json_invalid",
        loc: ["body", pos],
        msg: "JSON decode error",
        input: {},
        ctx: { error: msg },
      },
    };
  }
}

/** The body as an object, or the error FastAPI gives for a missing or non-object body. */
function bodyObject(body: RawBody): Parsed<Record<string, unknown>> {
  if (body.kind === "invalid") return { ok: false, issues: [body.issue] };
  if (body.kind === "empty" || (body.kind === "json" && body.value === null)) {
    return { ok: false, issues: [missing(["body"], null)] };
  }
  const value = body.kind === "json" ? body.value : body.text;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      issues: [
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: value,
        },
      ],
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Collects field results in declaration order, as pydantic reports them. */
function collector() {
  const issues: ValidationIssue[] = [];
  return {
    issues,
    take<T>(result: Checked<T>): T | undefined {
      if (result.ok) return result.value;
      issues.push(result.issue);
      return undefined;
    },
  };
}

export interface CreateInput {
  readonly username: string;
  readonly password: string;
  readonly email: string | null;
  readonly role: GeoLensRole;
}

export function parseCreate(body: RawBody): Parsed<CreateInput> {
  const object = bodyObject(body);
  if (!object.ok) return object;
  const data = object.value;
  const c = collector();
  const field = (name: string): Loc => ["body", name];
  const required = (name: string, check: (value: unknown, loc: Loc) => Checked<string>) =>
    c.take<string>(
      name in data ? check(data[name], field(name)) : { ok: false, issue: missing(field(name), data) },
    );
  const username = required("username", (v, loc) =>
    checkString(v, loc, { min: LIMITS.usernameMin, max: LIMITS.usernameMax }),
  );
  const password = required("password", (v, loc) =>
    checkString(v, loc, { min: LIMITS.passwordMin, max: LIMITS.passwordMax }),
  );
  const email =
    data.email === undefined || data.email === null ? null : c.take(checkEmail(data.email, field("email")));
  const role = "role" in data ? c.take(checkLiteral(data.role, field("role"), ROLES)) : "viewer";
  if (c.issues.length > 0 || username === undefined || password === undefined || role === undefined) {
    return { ok: false, issues: c.issues };
  }
  return { ok: true, value: { username, password, email: email ?? null, role } };
}

export interface UpdateInput {
  readonly email?: string;
  readonly isActive?: boolean;
  readonly status?: (typeof STATUSES)[number];
  readonly role?: GeoLensRole;
}

/** PATCH: every field optional; `null` means "leave unchanged", as GeoLens's `exclude_none` update does. */
export function parseUpdate(body: RawBody): Parsed<UpdateInput> {
  const object = bodyObject(body);
  if (!object.ok) return object;
  const data = object.value;
  const c = collector();
  const given = (name: string) => data[name] !== undefined && data[name] !== null;
  const email = given("email") ? c.take(checkEmail(data.email, ["body", "email"])) : undefined;
  const isActive = given("is_active") ? c.take(checkBool(data.is_active, ["body", "is_active"])) : undefined;
  const status = given("status")
    ? c.take(checkLiteral(data.status, ["body", "status"], STATUSES))
    : undefined;
  const role = given("role") ? c.take(checkLiteral(data.role, ["body", "role"], ROLES)) : undefined;
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  return {
    ok: true,
    value: {
      ...(email !== undefined ? { email } : {}),
      ...(isActive !== undefined ? { isActive } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(role !== undefined ? { role } : {}),
    },
  };
}

export interface ListInput {
  readonly skip: number;
  readonly limit: number;
  readonly status?: (typeof STATUSES)[number];
  readonly search?: string;
  readonly sort: (typeof SORTS)[number];
  readonly order: (typeof ORDERS)[number];
}

export function parseListQuery(url: string): Parsed<ListInput> {
  const params = new URL(url).searchParams;
  // Starlette keeps the last of repeated parameters; an empty one (`status=`) means "not given".
  const get = (name: string) => params.getAll(name).at(-1) || undefined;
  const c = collector();
  const skipText = get("skip");
  const limitText = get("limit");
  const skip = skipText === undefined ? 0 : c.take(checkQueryInt(skipText, ["query", "skip"], { ge: 0 }));
  const limit =
    limitText === undefined
      ? 50
      : c.take(checkQueryInt(limitText, ["query", "limit"], { ge: 1, le: LIMITS.pageMax }));
  const statusText = get("status");
  const status =
    statusText === undefined ? undefined : c.take(checkLiteral(statusText, ["query", "status"], STATUSES));
  const sortText = get("sort");
  const sort =
    sortText === undefined ? "created_at" : c.take(checkLiteral(sortText, ["query", "sort"], SORTS));
  const orderText = get("order");
  const order =
    orderText === undefined ? "desc" : c.take(checkLiteral(orderText, ["query", "order"], ORDERS));
  const search = get("search")?.trim() || undefined;
  if (
    c.issues.length > 0 ||
    skip === undefined ||
    limit === undefined ||
    sort === undefined ||
    order === undefined
  ) {
    return { ok: false, issues: c.issues };
  }
  return {
    ok: true,
    value: { skip, limit, sort, order, ...(status ? { status } : {}), ...(search ? { search } : {}) },
  };
}

export function parseUserId(id: string): Parsed<string> {
  const result = checkUuid(id, ["path", "id"]);
  return result.ok ? result : { ok: false, issues: [result.issue] };
}
