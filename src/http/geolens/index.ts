/**
 * The GeoLens admin users API (seed 002) under /api/admin/users, with and without the trailing slash: GeoLens
 * clients point here unchanged. A thin dialect: it reads FastAPI's wire format (model.ts), calls the canonical
 * account service (platform-wide accounts, global roles) and renders results and refusals as GeoLens does.
 *
 * Each handler catches its own refusals: the app-wide error handler runs before any plugin-scoped one and would
 * answer in Gatehouse's native envelope, which GeoLens clients cannot read.
 */
import { Elysia, type Static, t } from "elysia";
import type { OpenAPIV3 } from "openapi-types";
import type { AccountView } from "../../identity/accounts/view.ts";
import type { V1Context } from "../../identity/context.ts";
import { jsonResponse } from "../../platform/errors.ts";
import type { V1Services } from "../services.ts";
import { GeoLensErrors, renderError, validationResponse } from "./errors.ts";
import {
  AdminUserCreate,
  AdminUserUpdate,
  HTTPError,
  HTTPValidationError,
  LIST_QUERY_PARAMETERS,
  type Parsed,
  parseCreate,
  parseListQuery,
  parseUpdate,
  parseUserId,
  readBody,
  UserIdParams,
  UserListResponse,
  UserResponse,
} from "./model.ts";
import type { ValidationIssue } from "./pydantic.ts";

export function renderUser(user: AccountView): Static<typeof UserResponse> {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    is_active: user.active,
    status: user.status,
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
    roles: [...user.globalRoles],
  };
}

const tags = ["GeoLens"];
const security = [{ bearerAuth: [] }];
/**
 * The documented request body. Elysia's `body` option would validate it too, in Gatehouse's error shape, so the
 * schema is given to the document only (a `t` schema is a JSON Schema; its TypeBox typing is not OpenAPI's).
 */
const jsonBody = (schema: typeof AdminUserCreate | typeof AdminUserUpdate) => ({
  required: true,
  content: { "application/json": { schema: schema as unknown as OpenAPIV3.SchemaObject } },
});
const refusals = { 401: HTTPError, 403: HTTPError, 422: t.Union([HTTPValidationError, HTTPError]) };

/**
 * Runs a handler and answers with its result (`success` status) or its refusal in GeoLens's shape; anything
 * unexpected goes on to the app's handler. Always a Response, as the refusals must bypass the app's renderer.
 */
async function answer<T>(
  success: 200 | 201 | 204,
  run: () => Promise<T>,
  input?: Record<string, unknown>,
): Promise<Response> {
  try {
    const value = await run();
    return success === 204 ? new Response(null, { status: 204 }) : jsonResponse(success, value);
  } catch (error) {
    const response = renderError(error, input);
    if (response) return response;
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valid<T>(parsed: Parsed<T>, issues: ValidationIssue[]): T | undefined {
  if (parsed.ok) return parsed.value;
  issues.push(...parsed.issues);
  return undefined;
}

export function geolensModule(services: V1Services) {
  const { accounts, resolvePrincipal, platformContext } = services;

  /**
   * FastAPI's HTTPBearer, then GeoLens's admin check (in GeoLens's words; the account service decides again with
   * Cedar); returns the caller's context for the account service.
   */
  async function requireAdmin(headers: Headers): Promise<V1Context> {
    const authorization = headers.get("authorization");
    if (!authorization) throw GeoLensErrors.notAuthenticated();
    if (!/^Bearer\s+\S/i.test(authorization)) throw GeoLensErrors.invalidCredentials();
    const principal = await resolvePrincipal(headers);
    if (!principal) throw GeoLensErrors.invalidCredentials();
    if (principal.kind !== "user" || !principal.isPlatformAdmin) throw GeoLensErrors.adminRequired();
    return platformContext(principal);
  }

  return new Elysia({ name: "geolens", prefix: "/api/admin/users" })
    .post(
      "/",
      async ({ request }) => {
        const body = readBody(await request.text(), request.headers.get("content-type"));
        // As FastAPI does, an unreadable JSON body is refused before authentication.
        if (body.kind === "invalid") return validationResponse([body.issue]);
        const input = body.kind === "json" && isObject(body.value) ? body.value : {};
        return answer(
          201,
          async () => {
            const ctx = await requireAdmin(request.headers);
            const parsed = parseCreate(body);
            if (!parsed.ok) throw GeoLensErrors.validation(parsed.issues);
            const { username, password, email, role } = parsed.value;
            const user = await accounts.createAccount(ctx, {
              username,
              password,
              email,
              globalRoles: [role],
              active: true,
            });
            return renderUser(user);
          },
          input,
        );
      },
      {
        parse: "none",
        response: { 201: UserResponse, 409: HTTPError, ...refusals },
        detail: {
          tags,
          summary: "Create User",
          description: "Create a new user with the specified role (admin only).",
          security,
          requestBody: jsonBody(AdminUserCreate),
        },
      },
    )
    .get(
      "/",
      ({ request }) =>
        answer(200, async () => {
          const ctx = await requireAdmin(request.headers);
          const query = parseListQuery(request.url);
          if (!query.ok) throw GeoLensErrors.validation(query.issues);
          const page = await accounts.listAccounts(ctx, query.value);
          return { users: page.users.map(renderUser), total: page.total };
        }),
      {
        response: { 200: UserListResponse, ...refusals },
        detail: {
          tags,
          summary: "List Users",
          description:
            "Users of the platform, paged (skip, limit), filtered by status or a search text, sorted.",
          security,
          parameters: LIST_QUERY_PARAMETERS,
        },
      },
    )
    .get(
      "/:id",
      ({ request, params }) =>
        answer(200, async () => {
          const ctx = await requireAdmin(request.headers);
          const id = parseUserId(params.id);
          if (!id.ok) throw GeoLensErrors.validation(id.issues);
          return renderUser(await accounts.getAccount(ctx, { id: id.value }));
        }),
      {
        params: UserIdParams,
        response: { 200: UserResponse, 404: HTTPError, ...refusals },
        detail: { tags, summary: "Get User", security },
      },
    )
    .patch(
      "/:id",
      async ({ request, params }) => {
        const body = readBody(await request.text(), request.headers.get("content-type"));
        if (body.kind === "invalid") return validationResponse([body.issue]);
        return answer(200, async () => {
          const ctx = await requireAdmin(request.headers);
          const issues: ValidationIssue[] = [];
          const id = valid(parseUserId(params.id), issues);
          const update = valid(parseUpdate(body), issues);
          if (issues.length > 0 || id === undefined || update === undefined)
            throw GeoLensErrors.validation(issues);
          const changes = {
            ...(update.email !== undefined ? { email: update.email } : {}),
            ...(update.isActive !== undefined ? { active: update.isActive } : {}),
            ...(update.status !== undefined ? { status: update.status } : {}),
            ...(update.role !== undefined ? { globalRoles: [update.role] } : {}),
          };
          return renderUser(await accounts.updateAccount(ctx, id, changes));
        });
      },
      {
        parse: "none",
        params: UserIdParams,
        response: { 200: UserResponse, 404: HTTPError, 409: HTTPError, ...refusals },
        detail: {
          tags,
          summary: "Update User",
          description:
            "Change a user's e-mail, activation, status or role (admin only). An admin cannot change its own " +
            "role or deactivate itself (422).",
          security,
          requestBody: jsonBody(AdminUserUpdate),
        },
      },
    )
    .delete(
      "/:id",
      ({ request, params }) =>
        answer(204, async () => {
          const ctx = await requireAdmin(request.headers);
          const id = parseUserId(params.id);
          if (!id.ok) throw GeoLensErrors.validation(id.issues);
          await accounts.removeAccount(ctx, id.value);
          return null;
        }),
      {
        params: UserIdParams,
        response: { 204: t.Null(), 400: HTTPError, 404: HTTPError, ...refusals },
        detail: {
          tags,
          summary: "Delete User",
          description: "Delete a user (admin only); never oneself (400) nor the last admin (400).",
          security,
        },
      },
    );
}
