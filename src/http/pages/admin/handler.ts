/**
 * The steps every console request shares: the page context, the signed-in operator (else sign-in and back),
 * the CSRF token of a post, and a refusal of the core rendered as the console's refusal page with its
 * status (403 with the rules' notices, 404, 422) instead of the generic error page.
 */
import { AppError } from "../../../platform/errors.ts";
import type { PageContext, Pages } from "../context.ts";
import { html } from "../html.ts";
import type { Access, Operator } from "./access.ts";
import { adminPage, refusalPage } from "./shell.ts";

export interface AdminRequest {
  readonly ctx: PageContext;
  readonly operator: Operator;
  readonly request: Request;
}

type Handler = (request: AdminRequest) => Promise<Response>;

export function createHandlers(pages: Pages, access: Access) {
  async function run(request: Request, body: unknown, post: boolean, handler: Handler): Promise<Response> {
    const ctx = await pages.context(request);
    const operator = await access.operator(request);
    if (!operator) {
      // A post without a session has nothing to return to; a page asks to sign in and comes back.
      return pages.redirect(ctx, post ? "/sign-in?redirect_to=%2Fadmin" : access.signInPath(ctx));
    }
    if (post && !pages.csrfOk(ctx, body)) {
      const expired = html`<div class="alert alert--error" role="alert">${ctx.t("pages.common.formExpired")}</div><p><a href="${ctx.url.pathname}">${ctx.t("admin.common.reload")}</a></p>`;
      return pages.page(ctx, adminPage(ctx, operator, "", ctx.t("pages.errorPage.forbiddenTitle"), expired), {
        status: 403,
      });
    }
    try {
      return await handler({ ctx, operator, request });
    } catch (error) {
      if (error instanceof AppError && error.status < 500 && error.status !== 429) {
        return pages.page(ctx, refusalPage(ctx, operator, error), { status: error.status });
      }
      throw error;
    }
  }
  return {
    /** A console page (GET). */
    page: (request: Request, handler: Handler) => run(request, undefined, false, handler),
    /** A console form post: CSRF-checked. */
    form: (request: Request, body: unknown, handler: Handler) => run(request, body, true, handler),
    /** The console's pages are for operators only: platform admins, or managers of a tenant. */
    requireOperator(operator: Operator): void {
      if (!operator.isPlatformAdmin && operator.managed.length === 0) throw new AppError("forbidden", 403);
    },
    pages,
    access,
  };
}

export type Handlers = ReturnType<typeof createHandlers>;
