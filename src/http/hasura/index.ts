/**
 * The Hasura Auth v1 dialect (seed 004): Hasura's wire format over the account service, so clients of
 * Hasura Auth can point at Gatehouse. Routes: /v1/signup, /v1/login, /v1/providers/*, /v1/user/*, /v1/admin/*
 * (none of them clashes with the native /v1/users, /v1/roles, /v1/api-keys, /v1/policies). Errors are
 * Hasura's `{code, message}` (errors.ts), rendered for the whole dialect by `hasuraErrorRenderer` (src/app.ts).
 */
import { Elysia } from "elysia";
import type { V1Services } from "../services.ts";
import { hasuraAdminRoutes } from "./admin.ts";
import { hasuraUserRoutes } from "./user.ts";

export { hasuraErrorRenderer } from "./error-renderer.ts";

export function hasuraModule(v1: V1Services) {
  return new Elysia({ name: "hasura" }).use(hasuraUserRoutes(v1)).use(hasuraAdminRoutes(v1));
}
