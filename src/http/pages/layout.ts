/**
 * The one layout of every hosted page: a header with the brand (APP_NAME, BRAND_LOGO_URL) and the language
 * switcher, the page in `<main>`, a footer. Styles and the few lines of script are files this host serves
 * (assets.ts); nothing is inline, so the strict policy of security.ts holds.
 */
import { RESOURCES, SUPPORTED_LOCALES } from "../../i18n/index.ts";
import { LOCALE_QUERY } from "../../i18n/negotiate.ts";
import { ASSET_PATHS } from "./assets.ts";
import { csrfField } from "./components.ts";
import type { PageContext } from "./context.ts";
import { type Html, html, type Renderable } from "./html.ts";

/** Where the language switcher returns to: this page, without the `lang` parameter (the cookie now decides). */
function returnPath(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete(LOCALE_QUERY);
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ""}`;
}

function languageSwitcher(ctx: PageContext): Html {
  return html`<form class="language" method="get" action="/language">
  <label for="language-select">${ctx.t("pages.common.language")}</label>
  <select id="language-select" name="lang" data-autosubmit>
    ${SUPPORTED_LOCALES.map(
      (locale) =>
        html`<option value="${locale}" lang="${locale}"${locale === ctx.locale ? html` selected` : ""}>${RESOURCES[locale].language.name}</option>`,
    )}
  </select>
  <input type="hidden" name="return_to" value="${returnPath(ctx.url)}">
  <button type="submit" class="button button--secondary button--small">${ctx.t("pages.common.changeLanguage")}</button>
</form>`;
}

/** While an admin acts as someone: whom, and the way back (the console's stop route), on every page but the one saying it. */
function impersonationBanner(ctx: PageContext): Html | false {
  if (!ctx.impersonating || ctx.url.pathname === "/admin/impersonation") return false;
  return html`<div class="alert alert--info impersonation-banner" role="status" data-testid="impersonation-banner">
  <p>${ctx.t("admin.impersonation.actingAs", { name: ctx.impersonating.name })}</p>
  <form method="post" action="/admin/impersonation/stop">${csrfField(ctx)}<button type="submit" class="button button--secondary button--small">${ctx.t("admin.impersonation.stop")}</button></form>
</div>`;
}

export function layout(
  ctx: PageContext,
  title: string,
  content: Renderable,
  options: {
    wide?: boolean;
    /** More stylesheets of this host (the admin console's), after the pages' own. */
    stylesheets?: readonly string[];
    /** A class on <body>, for a surface's own styles. */
    bodyClass?: string;
  } = {},
): Html {
  const { brand } = ctx;
  return html`<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${brand.appName}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
<link rel="stylesheet" href="${ASSET_PATHS.brandCss}">
${(options.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
<script src="${ASSET_PATHS.js}" defer></script>
</head>
<body${options.bodyClass ? html` class="${options.bodyClass}"` : ""}>
<a class="skip-link" href="#main">${ctx.t("pages.common.skipToContent")}</a>
<header class="site-header">
  <a class="brand" href="/sign-in">${brand.logoUrl && html`<img class="brand-logo" src="${brand.logoUrl}" alt="">`}<span class="brand-name">${brand.appName}</span></a>
  ${languageSwitcher(ctx)}
</header>
<main id="main" class="main">
  ${impersonationBanner(ctx)}
  <div class="card${options.wide ? " card--wide" : ""}">
    <h1>${title}</h1>
    ${content}
  </div>
</main>
<footer class="site-footer"><p>${ctx.t("pages.common.footer", { app: brand.appName })}</p></footer>
</body>
</html>`;
}
