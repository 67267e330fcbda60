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
