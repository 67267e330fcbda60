/** Wire shapes of /v1/users (seeds 001 and 003 on one route): the single source of validation and OpenAPI. */
import { t } from "elysia";

export const ErrorBody = t.Object(
  {
    code: t.String({ description: "Machine-readable error code (e.g. not_found, tenant_mismatch)" }),
    error: t.String({ description: "Same as code (seed 003's field name)" }),
    message: t.String({ description: "Human-readable description, in the request's language" }),
    details: t.Optional(
      t.Record(t.String(), t.Unknown(), { description: "Optional context, e.g. the field" }),
    ),
    notices: t.Optional(t.Array(t.String(), { description: "Notices of the Cedar rules that decided" })),
  },
  { title: "Error" },
);

export const TenantHeader = t.Object({
  "x-tenant-id": t.Optional(
    t.String({ description: "Tenant id or slug; must match the credential's tenant" }),
  ),
});

export const CreateUserBody = t.Object(
  {
    email: t.String({ description: "The user's unique e-mail address" }),
    name: t.Optional(t.String({ maxLength: 200 })),
    password: t.Optional(t.String({ description: "Required for local users; omit for OIDC/SAML users" })),
    roles: t.Optional(t.Array(t.String({ maxLength: 64 }), { maxItems: 50, description: "Tenant roles" })),
    auth_provider: t.Optional(t.String({ description: "local (default), oidc or saml" })),
    avatar_base64: t.Optional(t.Nullable(t.String({ description: "Data URI of an image, at most ~256 KB" }))),
  },
  { title: "CreateUser" },
);

export const UpdateUserBody = t.Object(
  {
    name: t.String({ maxLength: 200 }),
    roles: t.Array(t.String({ maxLength: 64 }), { maxItems: 50 }),
  },
  { title: "ReplaceUser" },
);

export const PatchUserBody = t.Object(
  {
    name: t.Optional(t.String({ maxLength: 200 })),
    roles: t.Optional(t.Array(t.String({ maxLength: 64 }), { maxItems: 50 })),
    avatar_base64: t.Optional(t.Nullable(t.String())),
    active: t.Optional(t.Boolean()),
  },
  { title: "PatchUser" },
);

export const UserBody = t.Object(
  {
    id: t.String({ format: "uuid" }),
    email: t.Nullable(t.String()),
    name: t.Nullable(t.String()),
    roles: t.Array(t.String()),
    auth_provider: t.Union([t.Literal("local"), t.Literal("oidc"), t.Literal("saml")]),
    active: t.Boolean(),
    email_verified: t.Boolean(),
    is_owner: t.Boolean({ description: "Whether this user is the tenant owner" }),
    avatar_base64: t.Nullable(t.String()),
    status: t.Union([t.Literal("active"), t.Literal("pending"), t.Literal("disabled")]),
    created_at: t.String({ format: "date-time" }),
    updated_at: t.String({ format: "date-time" }),
  },
  { title: "User" },
);

export const UserListQuery = t.Object({
  // The range (1–200) is checked by the service: a bound here fails after Elysia's numeric conversion, where the
  // error no longer names the field.
  limit: t.Optional(t.Integer({ description: "Page size, 1 to 200 (default 50)" })),
  cursor: t.Optional(t.String({ maxLength: 512 })),
  q: t.Optional(
    t.String({ maxLength: 200, description: "Search in e-mail, name, username and phone number" }),
  ),
  role: t.Optional(t.String({ maxLength: 64 })),
  status: t.Optional(t.Union([t.Literal("active"), t.Literal("pending"), t.Literal("disabled")])),
});

export const UserList = t.Object(
  { data: t.Array(UserBody), next_cursor: t.Nullable(t.String()) },
  { title: "UserList" },
);

export const UserIdParams = t.Object({ id: t.String({ maxLength: 64 }) });
