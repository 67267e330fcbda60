/**
 * The OpenID Provider surface's ErrorRenderer (src/http/pipeline/error-renderer.ts): errors that reach Gatehouse
 * rather than oidc-provider (the pipeline's limits, an unknown path under /oidc, a failure of the bridge) as an
 * OAuth error body `{error, error_description}`, the shape oidc-provider itself answers with.
 */
import type { Configuration } from "oidc-provider";
import { LOCALE_QUERY } from "../../i18n/negotiate.ts";
import { jsonResponse } from "../../platform/errors.ts";
import type { Pages, Translate } from "../pages/context.ts";
import { html } from "../pages/html.ts";
import { layout } from "../pages/layout.ts";
import type { ErrorRenderer } from "../pipeline/error-renderer.ts";

export const oidcErrorRenderer: ErrorRenderer = {
  render(failure) {
    if (failure.kind === "refusal") {
      const { status, code, message } = failure.error;
      const error =
        status === 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "invalid_request";
      return jsonResponse(status, { error, error_description: message === code ? code : message });
    }
    if (failure.kind === "validation") {
      return jsonResponse(400, { error: "invalid_request", error_description: "the request is not valid" });
    }
    return jsonResponse(500, { error: "server_error", error_description: "an unexpected error occurred" });
  },
};

/**
 * oidc-provider's own error page (its `renderError`: a request it cannot send back to the client — an unknown
 * client, an unregistered redirect_uri, a bad logout request) rendered by the hosted pages: the layout, the
 * brand, the visitor's language (`ui_locales` first, as the consent page does) and the pages' strict policy.
 * The OAuth `error` code stays visible for the application's developer; the provider's `error_description` is
 * English, written from request parameters, so it is shown only as escaped text, never as markup.
 */
export function providerErrorPage(pages: Pages, baseUrl: string): NonNullable<Configuration["renderError"]> {
  return async (koa, out) => {
    // The page's own address for the layout is the sign-in page, not the request: its language switcher then
    // leads there rather than echoing the refused request (a foreign redirect_uri) back into the page.
    const url = new URL("/sign-in", baseUrl);
    const asked = new URL(koa.originalUrl, baseUrl).searchParams.get(LOCALE_QUERY);
    const uiLocale = asked ?? String(koa.oidc?.params?.ui_locales ?? "").split(" ")[0];
    if (uiLocale) url.searchParams.set(LOCALE_QUERY, uiLocale);
    const headers = new Headers();
    for (const [name, value] of Object.entries(koa.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const ctx = await pages.context(new Request(url, { headers }));
    const error = String(out.error ?? "server_error");
    const description = typeof out.error_description === "string" ? out.error_description : "";
    const body = layout(
      ctx,
      ctx.t("pages.oidcError.title"),
      html`<p class="lead">${wording(ctx.t, error)}</p>
<p>${ctx.t("pages.oidcError.back")}</p>
<dl class="oauth-error">
  <dt>${ctx.t("pages.oidcError.code")}</dt><dd><code data-testid="oauth-error">${error}</code></dd>
  ${description && html`<dt>${ctx.t("pages.oidcError.details")}</dt><dd lang="en">${description}</dd>`}
</dl>`,
    );
    const response = pages.page(ctx, body, { status: koa.status });
    koa.type = "html";
    // The pages' policy and headers; not their cookies (a CSRF nonce, the language of `ui_locales`): an error
    // page has no form that needs them, and a client's request must not change the visitor's chosen language.
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie" && name !== "content-type") koa.set(name, value);
    });
    koa.body = await response.text();
  };
}

/** The errors a visitor can be told something more useful about than "could not be completed". */
function wording(t: Translate, error: string): string {
  switch (error) {
    case "invalid_client":
      return t("pages.oidcError.invalidClient");
    case "invalid_redirect_uri":
      return t("pages.oidcError.invalidRedirectUri");
    case "invalid_request":
      return t("pages.oidcError.invalidRequest");
    default:
      return t("pages.oidcError.other");
  }
}
