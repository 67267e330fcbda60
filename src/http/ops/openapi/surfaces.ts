/**
 * What the document says about each surface as a whole: which paths it serves, the shape its errors take
 * (docs/contracts.md), which credentials it accepts. Each error shape is the surface's own `t` model, so the
 * document cannot drift from what the surface renders; only better-auth's has no model of ours.
 */
import { unwrapSchema } from "@elysiajs/openapi/openapi";
import { type TSchema, t } from "elysia";
import type { OpenAPIV3_1 } from "openapi-types";
import { HTTPError, HTTPValidationError } from "../../geolens/model.ts";
import { HasuraErrorSchema } from "../../hasura/model.ts";
import { ErrorBody } from "../../native/users/model.ts";

export type SurfaceName = "better-auth" | "native" | "geolens" | "hasura" | "ops";

export interface Surface {
  readonly name: SurfaceName;
  /** The component (under #/components/schemas) every error of the surface is rendered as. */
  readonly error: string;
  /** The component a request that fails validation is answered with, and its status. */
  readonly invalid: { readonly status: "400" | "422"; readonly schema: string };
  /** Who may call it, when the operation does not say (OpenAPI security requirements; [] = anyone). */
  readonly security?: OpenAPIV3_1.SecurityRequirementObject[];
}

/** better-auth's error body: `{code, message}` (src/http/better-auth/routes.ts localizes the message). */
const BetterAuthError = t.Object(
  {
    code: t.String({ description: "better-auth's error code, e.g. INVALID_EMAIL_OR_PASSWORD" }),
    message: t.String({ description: "In the request's language" }),
  },
  { title: "BetterAuthError" },
);

const toJsonSchema = (schema: TSchema) =>
  // A TypeBox schema is a JSON Schema with symbol keys; the round trip leaves the JSON.
  JSON.parse(JSON.stringify(unwrapSchema(schema, undefined, "input", "3.1.1"))) as OpenAPIV3_1.SchemaObject;

export const ERROR_SCHEMAS: Readonly<Record<string, OpenAPIV3_1.SchemaObject>> = {
  NativeError: toJsonSchema(ErrorBody),
  BetterAuthError: toJsonSchema(BetterAuthError),
  HasuraError: toJsonSchema(HasuraErrorSchema),
  GeoLensError: toJsonSchema(HTTPError),
  GeoLensValidationError: toJsonSchema(HTTPValidationError),
};

export const SECURITY_SCHEMES: Readonly<Record<string, OpenAPIV3_1.SecuritySchemeObject>> = {
  bearerAuth: {
    type: "http",
    scheme: "bearer",
    description:
      "A session token (from sign-in, or the set-auth-token header), or a JWT issued by /api/auth/token",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "gatehouse.session_token",
    description: "The session cookie set by sign-in (`__Secure-gatehouse.session_token` over HTTPS)",
  },
  apiKeyAuth: {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "A tenant-bound API key (POST /v1/api-keys), for automation",
  },
};

/** The tenant a /v1 request acts on (seed 001), read by every native route. */
export const TENANT_HEADER: OpenAPIV3_1.ParameterObject = {
  name: "X-Tenant-ID",
  in: "header",
  required: false,
  description:
    "Tenant id or slug. Without it, the credential's tenant (an API key's, a session's active organization), " +
    "else `default`. A tenant the credential does not belong to is 403 tenant_mismatch; an unknown one, 404.",
  schema: { type: "string" },
};

const NATIVE_PATHS = /^\/v1\/(users|roles|api-keys|policies|audit-events|oauth-clients)(\/|$)/;

const native: Surface = {
  name: "native",
  error: "NativeError",
  invalid: { status: "400", schema: "NativeError" },
  security: [{ bearerAuth: [] }, { sessionCookie: [] }, { apiKeyAuth: [] }],
};

export function surfaceOf(path: string): Surface {
  if (path.startsWith("/api/auth/")) {
    return {
      name: "better-auth",
      error: "BetterAuthError",
      invalid: { status: "400", schema: "BetterAuthError" },
    };
  }
  if (path === "/api/admin/users" || path.startsWith("/api/admin/users/")) {
    // FastAPI: a body, query or path parameter that fails validation is 422 with the list of issues.
    return {
      name: "geolens",
      error: "GeoLensError",
      invalid: { status: "422", schema: "GeoLensValidationError" },
      security: [{ bearerAuth: [] }],
    };
  }
  if (NATIVE_PATHS.test(path)) return native;
  if (path.startsWith("/v1/")) {
    // Hasura's user and admin routes take a session; signup, login and the OTP routes are public.
    const signedIn = path.startsWith("/v1/user/") || path.startsWith("/v1/admin/");
    return {
      name: "hasura",
      error: "HasuraError",
      invalid: { status: "400", schema: "HasuraError" },
      security: signedIn ? [{ bearerAuth: [] }, { sessionCookie: [] }] : [],
    };
  }
  // Health, cache, i18n, metrics: rendered like the native API.
  return { name: "ops", error: "NativeError", invalid: { status: "400", schema: "NativeError" } };
}
