/**
 * The OpenID Provider's consent page: which application asks, for what (its scopes, in the page's language),
 * and two buttons posting to `/oidc/interaction/:uid/consent` (src/http/oidc/interaction.ts decides).
 */
import { CONSENT_STRINGS } from "../../i18n/locales/pages/consent.ts";
import { button, hidden, postForm } from "./components.ts";
import type { PageContext } from "./context.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";

export function consentPage(
  ctx: PageContext,
  uid: string,
  clientName: string,
  scopes: readonly string[],
): Html {
  const strings = CONSENT_STRINGS[ctx.locale];
  const items = scopes.map((scope) => html`<li>${strings.scopes[scope] ?? scope}</li>`);
  return layout(
    ctx,
    strings.title,
    html`<p class="lead">${strings.lead.replace("{{client}}", clientName)}</p>
<ul class="consent-scopes">${items}</ul>
${postForm(ctx, `/oidc/interaction/${encodeURIComponent(uid)}/consent`, html`${hidden("decision", "allow")}${button(strings.allow)}`)}
${postForm(ctx, `/oidc/interaction/${encodeURIComponent(uid)}/consent`, html`${hidden("decision", "deny")}${button(strings.deny, "secondary")}`)}`,
  );
}

/**
 * The step back to the provider after a form (sign-in, consent) when a browser navigates: a page that moves on
 * by its `Refresh` header (continuePage below), not a 303. The provider's answer to that step may redirect to
 * the client's origin, and browsers apply the form's `form-action 'self'` to every redirect that follows a form
 * post; a refresh is a new navigation, so the policy stays strict. The link serves a browser that ignores it.
 */
export function continuePage(ctx: PageContext, location: string): Html {
  const strings = { title: ctx.t("pages.oidcContinue.title"), lead: ctx.t("pages.oidcContinue.lead") };
  return layout(
    ctx,
    strings.title,
    html`<p class="lead">${strings.lead}</p>
<p><a class="button button--primary" href="${location}">${ctx.t("pages.oidcContinue.link")}</a></p>`,
  );
}

/** A browser's own navigation from a page of this host (a form's answer, a redirect after it), by its Fetch Metadata. */
export function isSameOriginNavigation(request: Request): boolean {
  return (
    request.headers.get("sec-fetch-mode") === "navigate" &&
    request.headers.get("sec-fetch-site") === "same-origin"
  );
}
