/**
 * The frame of every form post of /account: the visitor must be signed in (else to /sign-in and back) and the
 * form must carry its CSRF token (else the page again, 403); the action then ends with a redirect and a notice,
 * the page again with the refusal beside its field, or a page of its own.
 */
import type { FormState } from "../components.ts";
import type { PageContext, Pages } from "../context.ts";
import { missingFields } from "../form-errors.ts";
import { configuredProviders } from "../providers.ts";
import type { ConnectedApps } from "./connected-apps.ts";
import { type AccountData, loadAccount } from "./data.ts";
import { afterAction, type Notice } from "./notices.ts";
import { ANCHOR, accountPage, type Section, type SectionStates } from "./view.ts";

export const SIGN_IN = "/sign-in?redirect_to=%2Faccount";
/** HTML pages, not API operations: left out of /openapi.json (as the pages' assets are: ../assets.ts). */
export const PAGE = { detail: { hide: true } } as const;

/** What an action ends with: a redirect with a notice, the page again with a refusal, or its own answer. */
export type Outcome =
  | { readonly done: Notice; readonly cookies?: readonly string[] }
  | { readonly state: FormState; readonly status: number }
  | Response;

export interface ActionInput {
  readonly ctx: PageContext;
  readonly data: AccountData;
  readonly request: Request;
  readonly body: unknown;
}

export function accountActions(pages: Pages, apps?: ConnectedApps) {
  const providers = configuredProviders(pages.deps.config);

  async function show(
    ctx: PageContext,
    data: AccountData,
    options: { states?: SectionStates; status?: number; notice?: Notice } = {},
  ) {
    const view = {
      data,
      providers,
      apps: apps ? await apps.list(data.user.id) : [],
      ...(options.states ? { states: options.states } : {}),
      ...(options.notice ? { notice: options.notice } : {}),
    };
    return pages.page(ctx, accountPage(ctx, view), { status: options.status ?? 200 });
  }

  /** Every post: signed in (else to /sign-in), the form's CSRF token (else the form again, 403), then `run`. */
  async function act(
    request: Request,
    body: unknown,
    section: Section,
    run: (input: ActionInput) => Promise<Outcome>,
  ): Promise<Response> {
    const ctx = await pages.context(request);
    const data = await loadAccount(pages, request);
    if (!data) return pages.redirect(ctx, SIGN_IN);
    if (!pages.csrfOk(ctx, body)) {
      const states = { [section]: { formError: ctx.t("pages.common.formExpired") } };
      return show(ctx, data, { states, status: 403 });
    }
    const outcome = await run({ ctx, data, request, body });
    if (outcome instanceof Response) return outcome;
    if ("done" in outcome) {
      return pages.redirect(ctx, afterAction(outcome.done, ANCHOR[section]), outcome.cookies ?? []);
    }
    return show(ctx, data, { states: { [section]: outcome.state }, status: outcome.status });
  }

  /** The password a confirming form posted, or the refusal when the account has one and it was left empty. */
  function confirmingPassword(ctx: PageContext, data: AccountData, values: Record<string, string>) {
    if (!data.hasPassword) return { body: {} };
    const errors = missingFields(ctx, values, ["password"]);
    return errors ? { errors } : { body: { password: values.password ?? "" } };
  }

  return { providers, show, act, confirmingPassword };
}

export type AccountActions = ReturnType<typeof accountActions>;
