/**
 * createApp(deps): composes the modules into one Elysia app. Tests use it in-process through `app.handle`, or
 * listen on a free port for clients that need a real server.
 */
import { Elysia } from "elysia";
import { authRoutes } from "./auth/routes.ts";
import type { Deps } from "./deps.ts";
import { AppError, jsonResponse, nativeErrorBody } from "./errors.ts";
import { openapiModule } from "./modules/openapi/index.ts";

export function createApp(deps: Deps) {
  const { config, logger, auth } = deps;
  const app = new Elysia({ name: "gatehouse" })
    .onRequest(({ request }) => {
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > config.maxBodyBytes) {
        return jsonResponse(413, {
          code: "PAYLOAD_TOO_LARGE",
          message: `The request body exceeds ${config.maxBodyBytes} bytes`,
        });
      }
    })
    .onError({ as: "global" }, ({ error, code, request }) => {
      if (error instanceof AppError) return jsonResponse(error.status, nativeErrorBody(error));
      if (code === "NOT_FOUND") {
        return jsonResponse(404, nativeErrorBody(new AppError("not_found", 404, "No such route")));
      }
      if (code === "PARSE" || code === "VALIDATION" || code === "INVALID_COOKIE_SIGNATURE") {
        return jsonResponse(
          400,
          nativeErrorBody(new AppError("invalid_request", 400, "The request is malformed or incomplete")),
        );
      }
      logger.error(
        { err: error, method: request.method, url: new URL(request.url).pathname },
        "unhandled error",
      );
      return jsonResponse(500, nativeErrorBody(new AppError("internal_error", 500, "Something went wrong")));
    })
    .use(authRoutes(auth));
  // Last, so the document it serves covers every route registered above.
  return app.use(openapiModule(() => app, auth));
}

export type App = ReturnType<typeof createApp>;
