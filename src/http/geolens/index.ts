/**
 * The GeoLens admin users API (seed 002) under /api/admin/users, with and without the trailing slash: GeoLens
 * clients point here unchanged. A thin dialect: it reads FastAPI's wire format (model.ts), calls the canonical
 * account service (platform-wide accounts, global roles) and renders results and refusals as GeoLens does.
 *
 * Bodies and path parameters are validated by the `t` schemas of model.ts; every error is rendered by the
 * dialect's renderer (errors.ts) as FastAPI does, registered for the surface in src/app.ts.
 */
import { Elysia, type Static, t } from "elysia";
import type { AccountView } from "../../identity/accounts/view.ts";
import type { V1Context } from "../../identity/context.ts";
import type { V1Services } from "../services.ts";
import { GeoLensErrors } from "./errors.ts";
import {
  AdminUserCreate,
  AdminUserUpdate,
  HTTPError,
  HTTPValidationError,
  LIST_QUERY_PARAMETERS,
  parseListQuery,
  UserIdParams,
  UserListResponse,
  UserResponse,
} from "./model.ts";

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
const refusals = { 401: HTTPError, 403: HTTPError, 422: t.Union([HTTPValidationError, HTTPError]) };

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

  return (
    new Elysia({ name: "geolens", prefix: "/api/admin/users" })
      // FastAPI solves the HTTPBearer dependency before it validates the body or the path: an anonymous caller
      // with a bad body gets 401, not 422. `derive` runs before validation (`resolve` would run after it); only an
      // undecodable JSON body is refused earlier, at parsing, as FastAPI does too.
      .derive(async ({ request }) => ({ caller: await requireAdmin(request.headers) }))
      .post(
        "/",
        async ({ caller: ctx, body, set }) => {
          const { username, password, email, role } = body;
          const user = await accounts.createAccount(ctx, {
            username,
            password,
            email: email ?? null,
            globalRoles: [role ?? "viewer"],
            active: true,
          });
          set.status = 201;
          return renderUser(user);
        },
        {
          body: AdminUserCreate,
          response: { 201: UserResponse, 409: HTTPError, ...refusals },
          detail: {
            tags,
            summary: "Create User",
            description: "Create a new user with the specified role (admin only).",
            security,
          },
        },
      )
      .get(
        "/",
        async ({ caller: ctx, request }) => {
          const query = parseListQuery(request.url);
          if (!query.ok) throw GeoLensErrors.validation(query.issues);
          const page = await accounts.listAccounts(ctx, query.value);
          return { users: page.users.map(renderUser), total: page.total };
        },
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
        async ({ caller: ctx, params }) => {
          return renderUser(await accounts.getAccount(ctx, { id: params.id.toLowerCase() }));
        },
        {
          params: UserIdParams,
          response: { 200: UserResponse, 404: HTTPError, ...refusals },
          detail: { tags, summary: "Get User", security },
        },
      )
      .patch(
        "/:id",
        async ({ caller: ctx, params, body: update }) => {
          const changes = {
            ...(update.email != null ? { email: update.email } : {}),
            ...(update.is_active != null ? { active: update.is_active } : {}),
            ...(update.status != null ? { status: update.status } : {}),
            ...(update.role != null ? { globalRoles: [update.role] } : {}),
          };
          return renderUser(await accounts.updateAccount(ctx, params.id.toLowerCase(), changes));
        },
        {
          body: AdminUserUpdate,
          params: UserIdParams,
          response: { 200: UserResponse, 404: HTTPError, 409: HTTPError, ...refusals },
          detail: {
            tags,
            summary: "Update User",
            description:
              "Change a user's e-mail, activation, status or role (admin only). An admin cannot change its own " +
              "role or deactivate itself (422).",
            security,
          },
        },
      )
      .delete(
        "/:id",
        async ({ caller: ctx, params, set }) => {
          await accounts.removeAccount(ctx, params.id.toLowerCase());
          set.status = 204;
          return null;
        },
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
      )
  );
}
