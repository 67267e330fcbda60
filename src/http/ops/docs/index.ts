/**
 * GET /docs: the Scalar API reference of /openapi.json, rendered with no network. Scalar's browser bundle is
 * served from node_modules by our own route (GET /docs/assets/…), so the page references only this host: a
 * self-hosted server often has no route to a CDN, and a reader's browser should not fetch third-party code to
 * read our contract.
 */
import { dirname, join } from "node:path";
import { Elysia } from "elysia";
import { PAGE_CONTENT_SECURITY_POLICY } from "../../pipeline/security-headers.ts";

/** Where this host serves Scalar's bundle. */
export const SCALAR_ASSET_PATH = "/docs/assets/scalar-api-reference.js";

// One self-contained IIFE (no chunks to load); the package exports no path to it, so it is found beside the
// package's entry point — on the first request for it: resolving the package costs every start ~25 ms, and
// most servers never serve the docs.
let scalarBundle: string | undefined;
const scalarBundlePath = () =>
  (scalarBundle ??= join(
    dirname(Bun.resolveSync("@scalar/api-reference", import.meta.dir)),
    "browser",
    "standalone.js",
  ));

/**
 * Scalar's features that would reach its servers, switched off: the Inter/JetBrains fonts (fonts.scalar.com), the
 * request proxy of the "try it" client (proxy.scalar.com; our API is same-origin, it needs none), the AI agent
 * (api.scalar.com), MCP generation and the developer tools' share and deploy (scalar.com's dashboard).
 */
const SCALAR_CONFIGURATION = {
  withDefaultFonts: false,
  proxyUrl: "",
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
};

export function docsPage(): string {
  const configuration = JSON.stringify(SCALAR_CONFIGURATION).replaceAll("'", "&#39;");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse API</title></head>
<body>
<script id="api-reference" data-url="/openapi.json" data-configuration='${configuration}'></script>
<script src="${SCALAR_ASSET_PATH}"></script>
</body>
</html>`;
}

export function docsModule() {
  return new Elysia({ name: "docs" })
    .get(
      "/docs",
      () =>
        new Response(docsPage(), {
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": PAGE_CONTENT_SECURITY_POLICY,
          },
        }),
      { detail: { hide: true } },
    )
    .get(
      SCALAR_ASSET_PATH,
      () =>
        new Response(Bun.file(scalarBundlePath()), {
          headers: {
            "content-type": "text/javascript; charset=utf-8",
            // A day: the bundle changes only with the installed package, and a stale copy still renders.
            "cache-control": "public, max-age=86400",
          },
        }),
      { detail: { hide: true } },
    );
}
