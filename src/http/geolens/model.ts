/**
 * Wire shapes of the GeoLens admin users API (seed 002, a FastAPI service). The `t` schemas of the body and the
 * path are the routes' validators; the dialect's renderer words their failures as pydantic does (validation.ts).
 * The query string is decoded here, as Starlette reads one (an empty parameter is absent, the last of repeated
 * ones wins), which a schema cannot say.
 */
import { t } from "elysia";
import type { OpenAPIV3 } from "openapi-types";
import { GEOLENS_ROLES } from "../../identity/accounts/global-roles.ts";
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN } from "../../identity/accounts/rules.ts";
import type { Loc, ValidationIssue } from "./validation.ts";

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

/**
 * `Literal[...]` as a union of literals: Elysia's UnionEnum takes its first value ("admin") as the default,
 * which would fill an omitted field.
 */
const roleLiteral = (options: { description?: string } = {}) =>
  t.Union([t.Literal("admin"), t.Literal("editor"), t.Literal("viewer")], options);
const statusLiteral = () => t.Union([t.Literal("active"), t.Literal("pending"), t.Literal("disabled")]);

/** `[aA][bB]…`: JSON Schema patterns have no case-insensitive flag. */
const anyCase = (word: string) => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join("");
/**
 * email-validator (behind pydantic's EmailStr) refuses special-use domains; this also keeps the reserved
 * placeholder domain of accounts without an address (`users.invalid`) out of the API.
 */
const SPECIAL_USE_DOMAINS = ["arpa", "invalid", "local", "localhost", "onion", "test"];
const NOT_SPECIAL_USE = `^[^@]*@(?!(?:[^@]*\\.)?(?:${SPECIAL_USE_DOMAINS.map(anyCase).join("|")})$)`;
const emailAddress = (description?: string) =>
  t.String({ format: "email", pattern: NOT_SPECIAL_USE, ...(description ? { description } : {}) });

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
    email: t.Optional(t.Union([emailAddress("Optional unique e-mail address"), t.Null()])),
    role: t.Optional(
      roleLiteral({ description: "User role: 'admin', 'editor', or 'viewer'. Defaults to 'viewer'." }),
    ),
  },
  { title: "AdminUserCreate" },
);

export const AdminUserUpdate = t.Object(
  {
    // `null` leaves a field unchanged.
    email: t.Optional(t.Union([emailAddress(), t.Null()])),
    is_active: t.Optional(t.Union([t.Boolean(), t.Null()])),
    status: t.Optional(t.Union([statusLiteral(), t.Null()])),
    role: t.Optional(t.Union([roleLiteral(), t.Null()])),
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

/** `{id}`: a `uuid.UUID` path parameter. */
export const UserIdParams = t.Object({
  id: t.String({ format: "uuid", description: "The user's id (UUID)" }),
});

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

// ---- query decoding ----

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issue: ValidationIssue };

/** Collects parameter results in declaration order, as pydantic reports them. */
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

/** pydantic's rendering of the expected values of a `Literal[...]`: 'a', 'b' or 'c'. */
function expectedList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

function checkLiteral<T extends string>(value: string, loc: Loc, values: readonly T[]): Checked<T> {
  if ((values as readonly string[]).includes(value)) return { ok: true, value: value as T };
  const expected = expectedList(values);
  const msg = `Input should be ${expected}`;
  return { ok: false, issue: { type: "literal_error", loc, msg, input: value, ctx: { expected } } };
}

/** An integer from a query string, with pydantic's `ge`/`le` constraints and wording. */
function checkQueryInt(value: string, loc: Loc, limits: { ge?: number; le?: number }): Checked<number> {
  if (!/^\s*[+-]?\d+\s*$/.test(value)) {
    const msg = "Input should be a valid integer, unable to parse string as an integer";
    return { ok: false, issue: { type: "int_parsing", loc, msg, input: value } };
  }
  const n = Number.parseInt(value.trim(), 10);
  if (limits.ge !== undefined && n < limits.ge) {
    const msg = `Input should be greater than or equal to ${limits.ge}`;
    return {
      ok: false,
      issue: { type: "greater_than_equal", loc, msg, input: value, ctx: { ge: limits.ge } },
    };
  }
  if (limits.le !== undefined && n > limits.le) {
    const msg = `Input should be less than or equal to ${limits.le}`;
    return { ok: false, issue: { type: "less_than_equal", loc, msg, input: value, ctx: { le: limits.le } } };
  }
  return { ok: true, value: n };
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
