/**
 * createApp(deps): composes the surfaces into one Elysia app. Tests use it in-process through `app.handle`, or
 * listen on a free port for clients that need a real server.
 *
 * Each surface is its own Elysia instance with its error renderer (src/http/pipeline/error-renderer.ts), so every
 * error of its routes comes back in its documented shape; errors raised before a route is chosen (the pipeline's
 * limits, an unknown route or method) go to the renderer of the surface that owns the path (surface-router.ts).
 */
import { Elysia } from "elysia";
import { savedLocaleLookup } from "./auth/locale.ts";
import { fastSessionsOf } from "./auth/session-fast/index.ts";
import type { Deps } from "./deps.ts";
import { betterAuthErrorRenderer } from "./http/better-auth/error-renderer.ts";
import { authRoutes } from "./http/better-auth/routes.ts";
import { SESSION_CHECK_PATH, sessionCheck } from "./http/better-auth/session-check.ts";
import { geolensBody } from "./http/geolens/body.ts";
import { geolensErrorRenderer } from "./http/geolens/errors.ts";
import { geolensModule } from "./http/geolens/index.ts";
import { hasuraErrorRenderer, hasuraModule } from "./http/hasura/index.ts";
import { apiKeysModule } from "./http/native/api-keys/index.ts";
import { auditModule } from "./http/native/audit/index.ts";
import { nativeErrorRenderer } from "./http/native/error-renderer.ts";
import { oauthClientsModule } from "./http/native/oauth-clients/index.ts";
import { oauthClientRegistrationModule } from "./http/native/oauth-clients/registration.ts";
import { policiesModule } from "./http/native/policies/index.ts";
import { rolesModule } from "./http/native/roles/index.ts";
import { usersModule } from "./http/native/users/index.ts";
import { createOidcSurface, OIDC_PREFIXES, oidcErrorRenderer } from "./http/oidc/index.ts";
import { cacheModule } from "./http/ops/cache/index.ts";
import { docsModule } from "./http/ops/docs/index.ts";
import { healthModule } from "./http/ops/health/index.ts";
import { healthProbe } from "./http/ops/health/probe.ts";
import { createHealthService } from "./http/ops/health/service.ts";
import { i18nModule } from "./http/ops/i18n/index.ts";
import { metricsModule } from "./http/ops/metrics/index.ts";
import { createMetrics } from "./http/ops/metrics/service.ts";
import { openapiModule } from "./http/ops/openapi/index.ts";
import { adminPages } from "./http/pages/admin/index.ts";
import { createPagesSurface, PAGE_PREFIXES } from "./http/pages/index.ts";
import { jsonBodiesOnly } from "./http/pipeline/content-type.ts";
import { databaseOutageScope } from "./http/pipeline/database-outage.ts";
import { type ErrorRenderer, surfaceErrors } from "./http/pipeline/error-renderer.ts";
import { jsonDepthLimit } from "./http/pipeline/json-depth.ts";
import { objectBodiesOnly } from "./http/pipeline/object-body.ts";
import { originCheck } from "./http/pipeline/origin-check.ts";
import { rateLimitModule } from "./http/pipeline/rate-limit/index.ts";
import { requestLimits } from "./http/pipeline/request-limits.ts";
import { securityHeaders, securityHeaderValues } from "./http/pipeline/security-headers.ts";
import { type Surface, surfaceRouter } from "./http/pipeline/surface-router.ts";
import { createV1Services } from "./http/services.ts";
import { createLocaleResolver } from "./i18n/request-locale.ts";

export function createApp(deps: Deps) {
  const { config, logger, auth } = deps;
  const v1 = createV1Services(deps);
  const localeOf = createLocaleResolver({
    savedLocale: savedLocaleLookup(auth),
    defaultLocale: config.defaultLocale,
  });
  const native = nativeErrorRenderer(localeOf);
  // Shared by their modules and GET /health's fast path (the probe below).
  const metrics = createMetrics(deps.cache);
  const health = createHealthService(deps);
  const betterAuth = betterAuthErrorRenderer(localeOf);
  const hostedPages = createPagesSurface({ auth, config, localeOf, logger, connectedApps: v1.oauthGrants });
  const surfaces: Surface[] = [
    { name: "better-auth", prefixes: ["/api/auth"], renderer: betterAuth },
    { name: "geolens", prefixes: ["/api/admin/users"], renderer: geolensErrorRenderer },
    {
      name: "hasura",
      prefixes: ["/v1/signup", "/v1/login", "/v1/providers", "/v1/user", "/v1/admin"],
      renderer: hasuraErrorRenderer,
    },
    { name: "pages", prefixes: PAGE_PREFIXES, renderer: hostedPages.renderer },
    { name: "oidc", prefixes: OIDC_PREFIXES, renderer: oidcErrorRenderer },
  ];
  // The OpenID Provider (src/http/oidc/index.ts): its login and consent use the hosted pages' context.
  const oidc = createOidcSurface({ ...deps, identity: v1, pages: hostedPages.pages });
  // Its internal node:http server (bridge.ts) listens on a port of its own until the deps close.
  deps.onClose(oidc.close);
  /** A surface: its routes, behind its renderer; `json` refuses non-JSON bodies (415) before parsing. */
  const surface = (name: string, renderer: ErrorRenderer, json: boolean) => {
    const instance = new Elysia({ name: `surface-${name}` }).onError(surfaceErrors(renderer, logger));
    return json ? instance.onParse(jsonBodiesOnly).onTransform(objectBodiesOnly) : instance;
  };
  const app = new Elysia({ name: "gatehouse" })
    // Around everything: each request records the database outages it meets (503 on every surface).
    .use(databaseOutageScope())
    // First, so that every answer carries them, the pipeline's own refusals included.
    .use(securityHeaders(config))
    .use(requestLimits(config))
    .use(
      originCheck({
        isTrustedOrigin: async (origin) => (await auth.$context).isTrustedOrigin(origin),
        exempt: ["/api/auth"],
      }),
    )
    .use(jsonDepthLimit())
    // Metrics and rate limits first: their global hooks apply only to routes registered after them.
    .use(metricsModule(deps, surfaceErrors(native, logger), metrics))
    .use(rateLimitModule(deps))
    .use(surface("better-auth", betterAuth, false).use(authRoutes(auth, localeOf)))
    // Hasura's group parses its own bodies (lenient JSON) and checks their type there.
    .use(surface("hasura", hasuraErrorRenderer, false).use(hasuraModule(v1)))
    .use(surface("geolens", geolensErrorRenderer, false).onParse(geolensBody).use(geolensModule(v1)))
    // HTML forms post urlencoded bodies, which Elysia parses itself.
    .use(
      surface("pages", hostedPages.renderer, false)
        .use(hostedPages.routes)
        .use(adminPages(hostedPages.pages, v1, deps)),
    )
    // oidc-provider parses its own bodies (forms, JSON) behind the bridge.
    .use(surface("oidc", oidcErrorRenderer, false).use(oidc.routes))
    .use(
      surface("native", native, true)
        .use(healthModule(deps, health))
        .use(cacheModule(deps))
        .use(i18nModule(deps))
        .use(usersModule(v1))
        .use(rolesModule(v1))
        .use(apiKeysModule(v1))
        .use(policiesModule(v1))
        .use(auditModule(v1))
        .use(oauthClientsModule(v1))
        .use(oauthClientRegistrationModule(v1, config.oidcRegistrationToken)),
    );
  // Last, so the document it serves covers every route registered above.
  const composed = app
    .use(
      surface("ops", native, true)
        .use(openapiModule(() => app, auth))
        .use(docsModule()),
    )
    .onError(
      { as: "global" },
      surfaceRouter({ surfaces, fallback: native, routes: () => app.routes, logger }),
    );
  /** How a fast path (src/server.ts) counts a GET it answered: under the route the app would have matched. */
  const recordedAs =
    (route: string, pathname: string) =>
    (status: number, seconds: number): void =>
      metrics.record({ method: "GET", route, pathname, status, seconds, location: null });
  // The load balancer's GET /health over HTTP (src/server.ts): the route's answer without the app's handling.
  const probe = healthProbe({
    health,
    headers: securityHeaderValues(config),
    record: recordedAs("/health", "/health"),
    fallback: (request) => composed.handle(request),
  });
  // Every application's session check over HTTP (src/server.ts): the route's answer, likewise.
  const checkSession = sessionCheck({
    fastSessions: fastSessionsOf(auth),
    headers: securityHeaderValues(config),
    rateLimited: config.rateLimitEnabled,
    record: recordedAs("/api/auth/*", SESSION_CHECK_PATH),
    fallback: (request) => composed.handle(request),
  });
  return Object.assign(composed, { probe, checkSession });
}

export type App = ReturnType<typeof createApp>;
