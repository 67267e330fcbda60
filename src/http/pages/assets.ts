/**
 * The pages' static files, served by this host (nothing loads from elsewhere): one stylesheet, one small script
 * and the brand stylesheet generated from BRAND_PRIMARY_COLOR (a file, since the policy allows no inline style).
 */
import { join } from "node:path";
import { Elysia } from "elysia";
import type { BrandConfig } from "../../config.ts";
import { PAGE_ROUTE } from "./context.ts";

export const ASSET_PATHS = {
  css: "/pages/assets/pages.css",
  brandCss: "/pages/assets/brand.css",
  js: "/pages/assets/pages.js",
} as const;

const DIR = join(import.meta.dir, "assets");
// An hour: the files change only with a new release, and a stale copy still works.
const CACHE = "public, max-age=3600";

function brandCss(brand: BrandConfig): string {
  // primaryColor is validated as #rgb or #rrggbb (src/config.ts), so it cannot break out of the declaration.
  return `:root { --primary: ${brand.primaryColor}; }\n`;
}

export function assetsModule(brand: BrandConfig) {
  const file = (name: string, type: string) => () =>
    new Response(Bun.file(join(DIR, name)), { headers: { "content-type": type, "cache-control": CACHE } });
  const brandStyles = brandCss(brand);
  return new Elysia({ name: "pages-assets", detail: PAGE_ROUTE })
    .get(ASSET_PATHS.css, file("pages.css", "text/css; charset=utf-8"))
    .get(ASSET_PATHS.js, file("pages.js", "text/javascript; charset=utf-8"))
    .get(
      ASSET_PATHS.brandCss,
      () =>
        new Response(brandStyles, {
          headers: { "content-type": "text/css; charset=utf-8", "cache-control": CACHE },
        }),
    );
}
