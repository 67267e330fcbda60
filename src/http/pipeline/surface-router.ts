/**
 * The app's last-resort error handler: errors raised before any route was chosen — the pipeline's own (body
 * too large, rate limited, headers too large) and Elysia's unknown route — are rendered by the surface that
 * owns the path (its prefixes), so a GeoLens or Hasura client gets its own shape there too. An unknown route
 * whose path another method serves becomes 405 with an Allow header.
 */
import type { Logger } from "../../platform/logger.ts";
import { type ErrorRenderer, PipelineErrors, surfaceErrors } from "./error-renderer.ts";

export interface Surface {
  readonly name: string;
  /** Path prefixes the surface owns (a prefix matches itself and what follows a `/`). */
  readonly prefixes: readonly string[];
  readonly renderer: ErrorRenderer;
}

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

const owns = (prefix: string, pathname: string) =>
  pathname === prefix || pathname.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);

/** `/api/admin/users/:id` → a regular expression for the paths it serves. */
function pathPattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((part) =>
      part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/** The methods each path is served with: `(pathname) => ["GET", "POST"]`, from a list of routes. */
export function methodsByPath(routes: readonly RouteEntry[]): (pathname: string) => string[] {
  const table = routes.map((r) => ({ method: r.method.toUpperCase(), pattern: pathPattern(r.path) }));
  return (pathname) => [...new Set(table.filter((r) => r.pattern.test(pathname)).map((r) => r.method))];
}

export function surfaceRouter(options: {
  readonly surfaces: readonly Surface[];
  readonly fallback: ErrorRenderer;
  readonly routes: () => readonly RouteEntry[];
  readonly logger: Logger;
}) {
  const handlers = new Map(options.surfaces.map((s) => [s, surfaceErrors(s.renderer, options.logger)]));
  const fallback = surfaceErrors(options.fallback, options.logger);
  let methodsOf: ((pathname: string) => string[]) | undefined;

  /** The methods routed for a path (the table is built once, on first use, when every route exists). */
  function allowed(pathname: string): string[] {
    methodsOf ??= methodsByPath(options.routes());
    return methodsOf(pathname);
  }

  // The parameters are named, never the whole context: Elysia reads a handler's source to learn what each
  // request needs, and a context handed on whole makes every route of the app parse headers and cookies.
  return async ({
    error,
    code,
    request,
    body,
  }: {
    error: unknown;
    code: unknown;
    request: Request;
    body?: unknown;
  }) => {
    const pathname = new URL(request.url).pathname;
    const surface = options.surfaces.find((s) => s.prefixes.some((p) => owns(p, pathname)));
    const handle = (surface && handlers.get(surface)) ?? fallback;
    if (code === "NOT_FOUND") {
      const served = allowed(pathname).filter((m) => m !== "ALL");
      if (served.length > 0 && !served.includes(request.method.toUpperCase())) {
        const refusal = PipelineErrors.method_not_allowed({ details: { allow: served.join(", ") } });
        return handle({ error: refusal, code, request, body });
      }
    }
    return handle({ error, code, request, body });
  };
}
