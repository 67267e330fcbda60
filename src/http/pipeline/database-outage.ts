/**
 * Gives every request its own record of the database outages it meets (src/platform/db/availability.ts), so
 * that the surfaces answer 503 for it even where a layer in between swallowed the database's error
 * (src/http/pipeline/error-renderer.ts `classify`, src/http/better-auth/routes.ts). Elysia's `wrap` runs around
 * the whole handling of a request — hooks, handler and error handlers — so the record is the request's alone.
 */
import { Elysia } from "elysia";
import { inDatabaseRequestScope } from "../../platform/db/availability.ts";

export function databaseOutageScope() {
  return new Elysia({ name: "database-outage-scope" }).wrap(
    (handle) =>
      (...args: unknown[]) =>
        inDatabaseRequestScope(() => (handle as (...a: unknown[]) => unknown)(...args)),
  );
}
