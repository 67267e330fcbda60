/** GET /openapi.json: the merged OpenAPI 3.1 document (the /docs page renders it: src/http/ops/docs/). */

import type { AnyElysia } from "elysia";
import { Elysia } from "elysia";
import pkg from "../../../../package.json" with { type: "json" };
import type { Auth } from "../../../auth/index.ts";
import { buildOpenApiDocument } from "./document.ts";

/** `app` is the composed application, read when the document is first asked for (all routes registered). */
export function openapiModule(getApp: () => AnyElysia, auth: Auth) {
  let document: Promise<unknown> | undefined;
  return new Elysia({ name: "openapi" }).get(
    "/openapi.json",
    () => {
      document ??= buildOpenApiDocument(getApp(), auth, pkg.version).catch((error: unknown) => {
        document = undefined;
        throw error;
      });
      return document;
    },
    { detail: { hide: true } },
  );
}
