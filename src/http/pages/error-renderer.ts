/**
 * The pages surface's error renderer (the contract: src/http/pipeline/error-renderer.ts): every error of a
 * page path — an unknown page, a wrong method, a body too large, too many requests, an unexpected throw — is an
 * HTML page in the visitor's language, with the layout, a title and a way back, never JSON and never internals.
 */
import type { ErrorRenderer, Failure } from "../pipeline/error-renderer.ts";
import type { Pages, Translate } from "./context.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";

function statusOf(failure: Failure): number {
  switch (failure.kind) {
    case "refusal":
      return failure.error.status;
    case "validation":
      return 400;
    case "auth":
      return failure.error.statusCode;
    default:
      return 500;
  }
}

function wording(t: Translate, status: number): { title: string; text: string } {
  switch (status) {
    case 403:
      return { title: t("pages.errorPage.forbiddenTitle"), text: t("pages.errorPage.forbidden") };
    case 404:
      return { title: t("pages.errorPage.notFoundTitle"), text: t("pages.errorPage.notFound") };
    case 405:
      return {
        title: t("pages.errorPage.methodNotAllowedTitle"),
        text: t("pages.errorPage.methodNotAllowed"),
      };
    case 413:
      return { title: t("pages.errorPage.tooLargeTitle"), text: t("pages.errorPage.tooLarge") };
    case 429:
      return { title: t("pages.errorPage.tooManyTitle"), text: t("pages.errorPage.tooMany") };
    case 503:
      return { title: t("pages.errorPage.unavailableTitle"), text: t("pages.errorPage.unavailable") };
    default:
      return status >= 500
        ? { title: t("pages.errorPage.internalTitle"), text: t("pages.errorPage.internal") }
        : { title: t("pages.errorPage.badRequestTitle"), text: t("pages.errorPage.badRequest") };
  }
}

export function pagesErrorRenderer(pages: Pages): ErrorRenderer {
  return {
    async render(failure, { request }) {
      const status = statusOf(failure);
      const ctx = await pages.context(request);
      const { title, text } = wording(ctx.t, status);
      const body = layout(
        ctx,
        title,
        html`<p class="lead">${text}</p><p><a class="button button--secondary" href="/sign-in">${ctx.t("pages.errorPage.home")}</a></p>`,
      );
      const response = pages.page(ctx, body, { status });
      const retryAfter = failure.kind === "refusal" ? failure.error.details?.retry_after : undefined;
      if (typeof retryAfter === "number") response.headers.set("retry-after", String(retryAfter));
      return response;
    },
  };
}
