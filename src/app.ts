/**
 * createApp(deps): composes the modules into one Elysia app. Tests use it in-process through `app.handle`, or
 * listen on a free port for clients that need a real server.
 */
import { Elysia } from "elysia";
import { savedLocaleLookup } from "./auth/locale.ts";
import type { Deps } from "./deps.ts";
import { authRoutes } from "./http/better-auth/routes.ts";
import { geolensModule } from "./http/geolens/index.ts";
import { hasuraModule, rendersOwnErrors } from "./http/hasura/index.ts";
import { apiKeysModule } from "./http/native/api-keys/index.ts";
import { policiesModule } from "./http/native/policies/index.ts";
import { rolesModule } from "./http/native/roles/index.ts";
import { usersModule } from "./http/native/users/index.ts";
import { cacheModule } from "./http/ops/cache/index.ts";
import { docsModule } from "./http/ops/docs/index.ts";
import { healthModule } from "./http/ops/health/index.ts";
import { i18nModule } from "./http/ops/i18n/index.ts";
import { metricsModule } from "./http/ops/metrics/index.ts";
import { openapiModule } from "./http/ops/openapi/index.ts";
import { rateLimitModule } from "./http/pipeline/rate-limit/index.ts";
import { createV1Services } from "./http/services.ts";
import { appErrorMessage } from "./i18n/app-errors.ts";
import { t } from "./i18n/index.ts";
import { createLocaleResolver } from "./i18n/request-locale.ts";
import { AppError, jsonResponse, nativeErrorBody } from "./platform/errors.ts";

export function createApp(deps: Deps) {
  const { config, logger, auth } = deps;
  const v1 = createV1Services(deps);
  const localeOf = createLocaleResolver({
    savedLocale: savedLocaleLookup(auth),
    defaultLocale: config.defaultLocale,
  });
  const app = new Elysia({ name: "gatehouse" })
    .onRequest(async ({ request }) => {
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > config.maxBodyBytes) {
        return jsonResponse(413, {
          code: "PAYLOAD_TOO_LARGE",
          message: t(await localeOf(request), "errors.PAYLOAD_TOO_LARGE", { limit: config.maxBodyBytes }),
        });
      }
    })
    .onError({ as: "global" }, async ({ error, code, request }) => {
      // The Hasura dialect answers its routes' errors in its own shape (its handler runs after this one).
      if (rendersOwnErrors(request)) return;
      const locale = await localeOf(request);
      const render = (e: AppError) => jsonResponse(e.status, nativeErrorBody(e, appErrorMessage(locale, e)));
      if (error instanceof AppError) return render(error);
      if (code === "NOT_FOUND") return render(new AppError("not_found", 404, "No such route"));
      if (code === "VALIDATION") {
        // Name the first offending field (e.g. "email", "roles.0") so clients can point at it.
        const path = error.valueError?.path ?? error.all[0]?.path ?? "";
        const field = path.replace(/^\//, "").replaceAll("/", ".");
        const details = field ? { field, in: error.type } : { in: error.type };
        return render(
          new AppError("invalid_request", 400, "The request is malformed or incomplete", details),
        );
      }
      if (code === "PARSE" || code === "INVALID_COOKIE_SIGNATURE") {
        return render(new AppError("invalid_request", 400, "The request is malformed or incomplete"));
      }
      logger.error(
        { err: error, method: request.method, url: new URL(request.url).pathname },
        "unhandled error",
      );
      return render(new AppError("internal_error", 500, "Something went wrong"));
    })
    // Metrics and rate limits first: their global hooks apply only to routes registered after them.
    .use(metricsModule(deps))
    .use(rateLimitModule(deps))
    .use(authRoutes(auth, localeOf))
    .use(healthModule(deps))
    .use(cacheModule(deps))
    .use(i18nModule(deps))
    .use(hasuraModule(v1, deps))
    .use(usersModule(v1))
    .use(rolesModule(v1))
    .use(apiKeysModule(v1))
    .use(policiesModule(v1))
    .use(geolensModule(v1));
  // Last, so the document it serves covers every route registered above.
  return app.use(openapiModule(() => app, auth)).use(docsModule());
}

export type App = ReturnType<typeof createApp>;
