/**
 * The provider's login and consent step on Gatehouse's side (`/oidc/interaction/:uid`, the provider's
 * `interactions.url`). Login: a better-auth session of this browser finishes it (accountId, auth_time = the
 * session's start); without one, or when `prompt=login` / `max_age` want a newer sign-in than the session's,
 * the browser goes through the hosted `/sign-in?redirect_to=…` and comes back. Consent: first-party clients
 * get it at once; others on the consent page (src/http/pages/consent.ts), remembered as the provider's Grant.
 */
import type Provider from "oidc-provider";
import type { Auth } from "../../auth/index.ts";
import { LOCALE_QUERY } from "../../i18n/negotiate.ts";
import type { Identity } from "../../identity/index.ts";
import { createAccountFinder } from "./accounts.ts";
import { ACR_PASSWORD } from "./provider.ts";

type Interaction = InstanceType<Provider["Interaction"]>;
type InteractionResult = Record<string, unknown>;

/** Reasons of the login prompt that a session alone does not satisfy: the client wants a fresh sign-in. */
const FRESH_LOGIN_REASONS = new Set(["login_prompt", "max_age"]);

export interface InteractionDeps {
  readonly auth: Auth;
  readonly identity: Pick<Identity, "accounts" | "tenants">;
}

export type InteractionStep =
  | {
      readonly kind: "redirect";
      readonly location: string;
      /** Back to the provider, which may answer with a redirect to the client's own origin. */
      readonly resume?: true;
    }
  | {
      readonly kind: "consent";
      readonly interaction: Interaction;
      readonly clientName: string;
      readonly scopes: string[];
    }
  | { readonly kind: "gone" };

export function createInteractions(deps: InteractionDeps) {
  const accounts = createAccountFinder(deps.identity);

  async function session(request: Request) {
    return deps.auth.api.getSession({ headers: request.headers }).catch(() => null);
  }

  /** Stores the result and sends the browser back to the provider's authorization endpoint. */
  async function finish(interaction: Interaction, result: InteractionResult): Promise<InteractionStep> {
    interaction.result = { ...interaction.lastSubmission, ...result };
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    return { kind: "redirect", location: interaction.returnTo, resume: true };
  }

  function signInRedirect(interaction: Interaction): InteractionStep {
    const params = interaction.params as Record<string, unknown>;
    const query = new URLSearchParams({ redirect_to: `/oidc/interaction/${interaction.uid}` });
    if (typeof params.ui_locales === "string") query.set(LOCALE_QUERY, params.ui_locales.split(" ")[0] ?? "");
    if (typeof params.login_hint === "string") query.set("login_hint", params.login_hint);
    return { kind: "redirect", location: `/sign-in?${query}` };
  }

  async function grantAll(provider: Provider, interaction: Interaction): Promise<InteractionStep> {
    const details = interaction.prompt.details as Record<string, unknown>;
    const accountId = interaction.session?.accountId;
    const clientId = String(interaction.params.client_id);
    const grant = interaction.grantId
      ? ((await provider.Grant.find(interaction.grantId)) ?? new provider.Grant({ accountId, clientId }))
      : new provider.Grant({ accountId, clientId });
    const scopes = details.missingOIDCScope as string[] | undefined;
    if (scopes) grant.addOIDCScope(scopes.join(" "));
    const claims = details.missingOIDCClaims as string[] | undefined;
    if (claims) grant.addOIDCClaims(claims);
    const resourceScopes = details.missingResourceScopes as Record<string, string[]> | undefined;
    for (const [indicator, names] of Object.entries(resourceScopes ?? {})) {
      grant.addResourceScope(indicator, names.join(" "));
    }
    return finish(interaction, { consent: { grantId: await grant.save() } });
  }

  /** GET /oidc/interaction/:uid: what to do next for this interaction. */
  async function step(provider: Provider, request: Request, uid: string): Promise<InteractionStep> {
    const interaction = await provider.Interaction.find(uid);
    if (!interaction) return { kind: "gone" };
    const client = await provider.Client.find(String(interaction.params.client_id));
    if (!client) return { kind: "gone" };
    if (interaction.prompt.name === "login") {
      const current = await session(request);
      const reasons = interaction.prompt.reasons ?? [];
      const startedAt = current ? new Date(current.session.createdAt).getTime() : 0;
      // The interaction's `iat` is in whole seconds: a session opened in that same second may predate it (the
      // sign-in the client asked to be repeated), so only a session from a later second counts as fresh.
      const freshEnough =
        !reasons.some((reason) => FRESH_LOGIN_REASONS.has(reason)) ||
        startedAt >= (interaction.iat + 1) * 1000;
      if (!current || !freshEnough) return signInRedirect(interaction);
      const denied = await tenantRefusal(
        client as unknown as { tenant_id?: unknown },
        interaction,
        current.user.id,
      );
      if (denied) return finish(interaction, denied);
      return finish(interaction, {
        login: {
          accountId: current.user.id,
          ts: Math.floor(startedAt / 1000),
          amr: ["pwd"],
          acr: ACR_PASSWORD,
          remember: true,
        },
      });
    }
    if (interaction.prompt.name === "consent") {
      if ((client as unknown as { first_party?: unknown }).first_party === true)
        return grantAll(provider, interaction);
      const details = interaction.prompt.details as Record<string, unknown>;
      const scopes = [...((details.missingOIDCScope as string[] | undefined) ?? [])];
      return { kind: "consent", interaction, clientName: client.clientName ?? client.clientId, scopes };
    }
    return finish(interaction, { error: "access_denied", error_description: "unsupported interaction" });
  }

  /** A client serves its own tenant's members; `tenant=` naming another tenant, or a non-member, is refused. */
  async function tenantRefusal(
    client: { tenant_id?: unknown },
    interaction: Interaction,
    userId: string,
  ): Promise<InteractionResult | undefined> {
    const tenant = await accounts.tenantOf(client);
    const asked = interaction.params.tenant;
    if (!tenant) return { error: "access_denied", error_description: "the client's tenant does not exist" };
    if (typeof asked === "string" && asked !== tenant.id && asked !== tenant.slug) {
      return { error: "access_denied", error_description: "the client may not act for that tenant" };
    }
    const member = await deps.identity.tenants.membership(tenant.id, userId);
    if (!member)
      return {
        error: "access_denied",
        error_description: "the account is not a member of the client's tenant",
      };
    return undefined;
  }

  /** POST of the consent page: `approve` grants the scopes asked for, anything else refuses. */
  async function decide(provider: Provider, uid: string, approve: boolean): Promise<InteractionStep> {
    const interaction = await provider.Interaction.find(uid);
    if (interaction?.prompt.name !== "consent") return { kind: "gone" };
    if (!approve)
      return finish(interaction, { error: "access_denied", error_description: "the user refused" });
    return grantAll(provider, interaction);
  }

  return { step, decide };
}
