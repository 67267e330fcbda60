/**
 * Hasura's admin routes (global role `admin` only): create, read, delete, (de)activate users, their roles and
 * sessions, and the global role catalogue. Every change goes through the account service
 * (src/identity/accounts/service.ts), which ends a user's sessions when their roles change or they are deactivated.
 */
import type { Static } from "elysia";
import { isBuiltInRole } from "../../identity/accounts/global-roles.ts";
import type { AccountView } from "../../identity/accounts/view.ts";
import type { V1Context } from "../../identity/context.ts";
import type { V1Services } from "../services.ts";
import { hasuraError } from "./errors.ts";
import { hasuraGroup } from "./group.ts";
import {
  CreateUserBody,
  DeleteUserResponse,
  HasuraErrorSchema,
  HasuraIdBody,
  HasuraIdParams,
  HasuraUser,
  Message,
  RoleBody,
  RolesResponse,
  UserRoleBody,
} from "./model.ts";
import { phoneOf, toHasuraUser } from "./wire.ts";

const tags = ["Hasura"];
const errors = {
  400: HasuraErrorSchema,
  401: HasuraErrorSchema,
  403: HasuraErrorSchema,
  404: HasuraErrorSchema,
  500: HasuraErrorSchema,
};

type CreateUser = Static<typeof CreateUserBody>;

/** The identifiers and password of a create-user body, as the account service takes them. */
function identifiersOf(body: CreateUser) {
  switch (body.provider) {
    case "username":
      return { username: body.data.username, password: body.data.password };
    case "email":
      return { email: body.data.email, password: body.data.password };
    case "mobile-password":
      return {
        phoneNumber: phoneOf(body.data.country_code, body.data.mobile),
        password: body.data.password,
      };
    case "mobile":
      return { phoneNumber: phoneOf(body.data.country_code, body.data.mobile) };
  }
}

export function hasuraAdminRoutes(v1: V1Services) {
  const { accounts, resolvePrincipal, platformContext, globalRoles: roles } = v1;

  /** Hasura's admin check, in Hasura's words (the account service decides again with Cedar). */
  async function checkAdmin(headers: Headers): Promise<V1Context> {
    const principal = await resolvePrincipal(headers);
    if (!principal) throw hasuraError("unauthorized");
    if (principal.kind !== "user" || !principal.isPlatformAdmin) throw hasuraError("access-denied");
    return platformContext(principal);
  }
  // Settled once per request: in the transform hook, then read again by the handler.
  const callers = new WeakMap<Headers, Promise<V1Context>>();
  function requireAdmin(headers: Headers): Promise<V1Context> {
    let caller = callers.get(headers);
    if (!caller) {
      caller = checkAdmin(headers);
      callers.set(headers, caller);
    }
    return caller;
  }

  async function userOf(ctx: V1Context, hasuraId: number): Promise<AccountView> {
    return accounts.getAccount(ctx, { numericId: hasuraId });
  }

  /**
   * Hasura names the unknown role (`no-role`, also when removing one); the account service refuses unknown
   * global roles too, whoever grants them.
   */
  async function requireRoles(names: readonly string[]): Promise<void> {
    const [unknown] = await roles.unknown(names);
    if (unknown !== undefined) throw hasuraError("no-role", `role ${unknown} does not exist`);
  }

  // The account service changes nothing (and signs nobody out) when the roles stay the same.
  const addRole = async ({ body, request }: { body: Static<typeof UserRoleBody>; request: Request }) => {
    const ctx = await requireAdmin(request.headers);
    await requireRoles([body.role]);
    const account = await userOf(ctx, body.hasura_id);
    await accounts.updateAccount(ctx, account.id, { globalRoles: [...account.globalRoles, body.role] });
    return { message: `role ${body.role} added to user with hasura_id = ${body.hasura_id}` };
  };
  const removeRole = async ({ body, request }: { body: Static<typeof UserRoleBody>; request: Request }) => {
    const ctx = await requireAdmin(request.headers);
    await requireRoles([body.role]);
    const account = await userOf(ctx, body.hasura_id);
    await accounts.updateAccount(ctx, account.id, {
      globalRoles: account.globalRoles.filter((role) => role !== body.role),
    });
    return { message: `role ${body.role} removed from user with hasura_id = ${body.hasura_id}` };
  };
  const removeAllSessions = async ({
    body,
    request,
  }: {
    body: Static<typeof HasuraIdBody>;
    request: Request;
  }) => {
    const ctx = await requireAdmin(request.headers);
    await accounts.endSessions(ctx, (await userOf(ctx, body.hasura_id)).id);
    return { message: `all sessions of user with hasura_id = ${body.hasura_id} removed` };
  };
  const userRole = {
    body: UserRoleBody,
    response: { 200: Message, ...errors },
  };
  const byId = { body: HasuraIdBody, response: { 200: Message, ...errors } };
  const alias = "Same as the path without `/user` (Hasura's documentation uses both).";

  return (
    hasuraGroup("admin")
      // Who is calling is settled before the body is judged: a stranger learns nothing about the arguments.
      .onTransform(async ({ request }) => {
        await requireAdmin(request.headers);
      })
      .post(
        "/v1/admin/create-user",
        async ({ body, request }) => {
          const ctx = await requireAdmin(request.headers);
          const globalRoles = body.roles ?? ["user"];
          await requireRoles(globalRoles);
          const account = await accounts.createAccount(ctx, {
            ...identifiersOf(body),
            globalRoles,
            active: body.is_active ?? true,
            // The admin vouches for the identifiers: the account can sign in at once, as in Hasura.
            emailVerified: true,
            phoneNumberVerified: true,
          });
          return toHasuraUser(account);
        },
        {
          body: CreateUserBody,
          response: { 200: HasuraUser, ...errors },
          detail: {
            tags,
            summary: "Create a user (as admin)",
            description:
              "Providers `username`, `email`, `mobile-password` and `mobile`; `roles` must exist " +
              '(default `["user"]`), `is_active` defaults to true. No session is opened: `auth_token` is null.',
          },
        },
      )
      .get(
        "/v1/admin/user/:hasura_id",
        async ({ params, request }) => {
          const ctx = await requireAdmin(request.headers);
          return toHasuraUser(await userOf(ctx, params.hasura_id));
        },
        {
          params: HasuraIdParams,
          response: { 200: HasuraUser, ...errors },
          detail: { tags, summary: "Get a user (as admin)" },
        },
      )
      .post(
        "/v1/admin/delete-user",
        async ({ body, request }) => {
          const ctx = await requireAdmin(request.headers);
          const { account, hadPassword } = await accounts.removeAccount(
            ctx,
            (await userOf(ctx, body.hasura_id)).id,
          );
          const status = (present: boolean) => (present ? "deleted" : "not-found");
          const details = {
            username: status(account.username !== null),
            email: status(account.email !== null),
            mobile: status(account.phoneNumber !== null && !hadPassword),
            "mobile-password": status(account.phoneNumber !== null && hadPassword),
          };
          return { details, message: `User with hasura_id = ${body.hasura_id} is deleted` };
        },
        {
          body: HasuraIdBody,
          response: { 200: DeleteUserResponse, ...errors },
          detail: { tags, summary: "Delete a user (as admin)" },
        },
      )
      .post(
        "/v1/admin/user/activate",
        async ({ body, request }) => {
          const ctx = await requireAdmin(request.headers);
          await accounts.updateAccount(ctx, (await userOf(ctx, body.hasura_id)).id, { active: true });
          return { message: `user with hasura_id = ${body.hasura_id} activated` };
        },
        { ...byId, detail: { tags, summary: "Activate a user (as admin)" } },
      )
      .post(
        "/v1/admin/user/deactivate",
        async ({ body, request }) => {
          const ctx = await requireAdmin(request.headers);
          await accounts.updateAccount(ctx, (await userOf(ctx, body.hasura_id)).id, { active: false });
          return { message: `user with hasura_id = ${body.hasura_id} deactivated` };
        },
        {
          ...byId,
          detail: { tags, summary: "Deactivate a user (as admin); ends the user's sessions" },
        },
      )
      .post("/v1/admin/add-role", addRole, {
        ...userRole,
        detail: { tags, summary: "Give a user a role (as admin); ends the user's sessions" },
      })
      .post("/v1/admin/user/add-role", addRole, {
        ...userRole,
        detail: { tags, summary: "Give a user a role (as admin)", description: alias },
      })
      .post("/v1/admin/remove-role", removeRole, {
        ...userRole,
        detail: { tags, summary: "Take a role from a user (as admin); ends the user's sessions" },
      })
      .post("/v1/admin/user/remove-role", removeRole, {
        ...userRole,
        detail: { tags, summary: "Take a role from a user (as admin)", description: alias },
      })
      .post("/v1/admin/remove-all-sessions", removeAllSessions, {
        ...byId,
        detail: { tags, summary: "End every session of a user (as admin)" },
      })
      .post("/v1/admin/user/remove-all-sessions", removeAllSessions, {
        ...byId,
        detail: { tags, summary: "End every session of a user (as admin)", description: alias },
      })
      .get(
        "/v1/admin/roles",
        async () => {
          return { roles: await roles.list() };
        },
        {
          response: { 200: RolesResponse, ...errors },
          detail: { tags, summary: "List the global roles (as admin)" },
        },
      )
      .post(
        "/v1/admin/create-role",
        async ({ body }) => {
          if (!(await roles.create(body.role))) {
            throw hasuraError("role-error", `${body.role} role already exists`);
          }
          return { message: `role ${body.role} created` };
        },
        {
          body: RoleBody,
          response: { 200: Message, ...errors },
          detail: { tags, summary: "Create a global role (as admin)" },
        },
      )
      .post(
        "/v1/admin/delete-role",
        async ({ body }) => {
          if (isBuiltInRole(body.role)) {
            throw hasuraError("role-error", `${body.role} is a default role and cannot be deleted`);
          }
          const holders = await roles.holders(body.role);
          if (holders > 0) {
            throw hasuraError("role-error", `${body.role} role is still assigned to ${holders} user(s)`);
          }
          if (!(await roles.remove(body.role)))
            throw hasuraError("no-role", `role ${body.role} does not exist`);
          return { message: `role ${body.role} deleted` };
        },
        {
          body: RoleBody,
          response: { 200: Message, ...errors },
          detail: { tags, summary: "Delete a global role that no user holds (as admin)" },
        },
      )
  );
}
