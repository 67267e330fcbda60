/**
 * /v1/users: tenant-scoped user management (seeds 001 and 003). Handlers parse the wire format, call the
 * account service (src/identity/accounts/service.ts) and render its result; every decision is the service's
 * (and Cedar's). In any tenant but `default`, `active: false` suspends the membership and DELETE ends it; in
 * `default`, a platform admin's `active: false` bans the account and DELETE deletes it.
 */
import { Elysia, type Static, t } from "elysia";
import { hasCredential } from "../../../auth/principal.ts";
import type { AuthProvider, TenantUserView } from "../../../identity/accounts/view.ts";
import { V1Errors } from "../../../identity/errors.ts";
import type { V1Services } from "../../services.ts";
import {
  CreateUserBody,
  ErrorBody,
  PatchUserBody,
  UpdateUserBody,
  UserBody,
  UserIdParams,
  UserList,
  UserListQuery,
} from "./model.ts";

const PROVIDERS: readonly AuthProvider[] = ["local", "oidc", "saml"];

export function renderUser(user: TenantUserView): Static<typeof UserBody> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: [...user.roles],
    auth_provider: user.authProvider,
    active: user.active,
    email_verified: user.emailVerified,
    is_owner: user.isOwner,
    avatar_base64: user.image?.startsWith("data:") ? user.image : null,
    status: user.status,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
const tags = ["Users"];

export function usersModule(services: V1Services) {
  const { accounts, resolveContext } = services;
  return new Elysia({ name: "users", prefix: "/v1/users" })
    .post(
      "",
      async ({ body, request, set }) => {
        const ctx = await resolveContext(request.headers);
        const provider = (body.auth_provider ?? "local") as AuthProvider;
        if (!PROVIDERS.includes(provider)) {
          throw V1Errors.invalidRequest("auth_provider must be local, oidc or saml", {
            field: "auth_provider",
          });
        }
        let user: TenantUserView;
        if (!ctx.principal) {
          // Seed 003: without credentials this is a public sign-up, which cannot choose roles or providers. A
          // credential that did not resolve (expired, revoked, forged) is refused, never taken for a sign-up.
          if (
            hasCredential(request.headers) ||
            body.roles !== undefined ||
            body.auth_provider !== undefined
          ) {
            throw V1Errors.unauthenticated();
          }
          if (body.password === undefined) {
            throw V1Errors.invalidRequest("A password is required", { field: "password" });
          }
          user = await accounts.signUp(
            ctx,
            { email: body.email, password: body.password, name: body.name },
            request.headers,
          );
        } else {
          if (body.name === undefined) throw V1Errors.invalidRequest("A name is required", { field: "name" });
          user = await accounts.create(ctx, {
            email: body.email,
            name: body.name,
            roles: body.roles ?? ["user"],
            password: body.password,
            authProvider: provider,
            avatar: body.avatar_base64 ?? null,
          });
        }
        set.status = 201;
        return renderUser(user);
      },
      {
        body: CreateUserBody,
        response: { 201: UserBody, ...errors },
        detail: {
          tags,
          summary: "Create a user",
          description:
            "With a credential: an admin-created user in the tenant (seed 001). Without: a public sign-up into " +
            "the default tenant (seed 003), when sign-up is enabled.",
        },
      },
    )
    .get(
      "",
      async ({ query, request }) => {
        const ctx = await resolveContext(request.headers);
        const page = await accounts.list(ctx, { ...query, limit: query.limit ?? 50 });
        return { data: page.data.map(renderUser), next_cursor: page.nextCursor };
      },
      {
        query: UserListQuery,
        response: { 200: UserList, ...errors },
        detail: { tags, summary: "List the tenant's users" },
      },
    )
    .get(
      "/:id",
      async ({ params, request }) =>
        renderUser(await accounts.get(await resolveContext(request.headers), params.id)),
      {
        params: UserIdParams,
        response: { 200: UserBody, ...errors },
        detail: { tags, summary: "Get a user" },
      },
    )
    .put(
      "/:id",
      async ({ params, body, request }) =>
        renderUser(await accounts.update(await resolveContext(request.headers), params.id, body)),
      {
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: UserBody, ...errors },
        detail: { tags, summary: "Replace a user's name and roles" },
      },
    )
    .patch(
      "/:id",
      async ({ params, body, request }) =>
        renderUser(
          await accounts.update(await resolveContext(request.headers), params.id, {
            name: body.name,
            roles: body.roles,
            avatar: body.avatar_base64,
            active: body.active,
          }),
        ),
      {
        params: UserIdParams,
        body: PatchUserBody,
        response: { 200: UserBody, ...errors },
        detail: { tags, summary: "Change some of a user's fields" },
      },
    )
    .delete(
      "/:id",
      async ({ params, request, set }) => {
        await accounts.remove(await resolveContext(request.headers), params.id);
        set.status = 204;
        return null;
      },
      {
        params: UserIdParams,
        response: { 204: t.Null(), ...errors },
        detail: {
          tags,
          summary: "Remove a user from the tenant",
          description:
            "In any tenant but `default`: ends the membership only (the account and its other memberships stay). " +
            "In `default`, where every account is a member: deletes the account (platform admins only).",
        },
      },
    );
}
