/** GET /openapi.json (the merged OpenAPI 3.1 document) and GET /docs (Scalar API reference). */

import type { AnyElysia } from "elysia";
import { Elysia } from "elysia";
import pkg from "../../../../package.json" with { type: "json" };
import type { Auth } from "../../../auth/index.ts";
import { buildOpenApiDocument } from "./document.ts";

// Scalar's bundle is loaded by the reader's browser, never fetched by the server.
const DEFAULT_SCALAR_CDN =
  "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1/dist/browser/standalone.min.js";

function docsPage(scalarUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse API</title></head>
<body>
<script id="api-reference" data-url="/openapi.json"></script>
<script src="${scalarUrl}"></script>
</body>
</html>`;
}

/** `app` is the composed application, read when the document is first asked for (all routes registered). */
export function openapiModule(getApp: () => AnyElysia, auth: Auth, scalarUrl = DEFAULT_SCALAR_CDN) {
  let document: Promise<unknown> | undefined;
  return new Elysia({ name: "openapi" })
    .get(
      "/openapi.json",
      () => {
        document ??= buildOpenApiDocument(getApp(), auth, pkg.version).catch((error: unknown) => {
          document = undefined;
          throw error;
        });
        return document;
      },
      { detail: { hide: true } },
    )
    .get(
      "/docs",
      () => new Response(docsPage(scalarUrl), { headers: { "content-type": "text/html; charset=utf-8" } }),
      { detail: { hide: true } },
    );
}
