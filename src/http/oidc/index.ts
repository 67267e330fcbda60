/**
 * The OpenID Provider surface: discovery and every endpoint of oidc-provider (forwarded through bridge.ts), and
 * the login / consent interaction on Gatehouse's side (interaction.ts, pages in src/http/pages/consent.ts). The
 * provider is built on the first request (its keys are read from the database), and again when the stored keys
 * change (see checkKeys below).
 */
import { Elysia } from "elysia";
import type Provider from "oidc-provider";
import type { Auth } from "../../auth/index.ts";
import type { Config } from "../../config.ts";
import { LOCALE_COOKIE, LOCALE_QUERY } from "../../i18n/negotiate.ts";
import type { Identity } from "../../identity/index.ts";
import type { Db } from "../../platform/db/index.ts";
import type { Logger } from "../../platform/logger.ts";
import { consentPage, continuePage, isSameOriginNavigation } from "../pages/consent.ts";
import type { PageContext, Pages } from "../pages/context.ts";
import { PAGE_ROUTE } from "../pages/context.ts";
import { html } from "../pages/html.ts";
import { layout } from "../pages/layout.ts";
import { type Bridge, startBridge } from "./bridge.ts";
import { type ClientMetadata, firstOf, storedClients } from "./clients.ts";
import { providerErrorPage } from "./error-renderer.ts";
import { createInteractions, type InteractionStep } from "./interaction.ts";
import { keyVersionOf, loadSigningKeys, signingKeyVersion } from "./keys.ts";
import { createProvider, OIDC_PREFIX } from "./provider.ts";

export { oidcErrorRenderer } from "./error-renderer.ts";

/** The paths this surface owns, for errors raised before a route is chosen (surface-router.ts). */
export const OIDC_PREFIXES = [OIDC_PREFIX, "/.well-known/openid-configuration"] as const;

export interface OidcDeps {
  readonly config: Config;
  readonly db: Db;
  readonly auth: Auth;
  readonly logger: Logger;
  readonly identity: Pick<Identity, "accounts" | "tenants" | "oauthClients">;
  readonly pages: Pages;
}

interface Running {
  readonly provider: Provider;
  readonly bridge: Bridge;
  /** The keys this provider serves (keys.ts keyVersionOf). */
  readonly keyVersion: string;
}

// How long a replaced provider's internal server stays open for the requests already forwarded to it: they are
// database-bound and take milliseconds; a minute is far beyond any of them.
const RETIRED_BRIDGE_GRACE_MS = 60_000;

export function createOidcSurface(deps: OidcDeps) {
  const build = async (): Promise<Running> => {
    const keys = await loadSigningKeys(deps.db, deps.config.authSecret);
    const provider = await createProvider({
      config: deps.config,
      db: deps.db,
      identity: deps.identity,
      auth: deps.auth,
      keys,
      renderError: providerErrorPage(deps.pages, deps.config.baseUrl),
      clients: firstOf(
        {
          findClient: (id) =>
            deps.identity.oauthClients.findForProvider(id) as Promise<ClientMetadata | undefined>,
        },
        storedClients(deps.db),
      ),
    });
    provider.on("server_error", (_ctx, err) => deps.logger.error({ err }, "oidc provider error"));
    return {
      provider,
      bridge: await startBridge(provider, deps.config.baseUrl),
      keyVersion: keyVersionOf(keys),
    };
  };
  let started: Promise<Running> | undefined;
  let closed = false;
  const ready = () => {
    started ??= build();
    // A failed start (database down) is tried again by the next request.
    started.catch(() => {
      started = undefined;
    });
    return started;
  };

  /*
   * A rotated (or retired) signing key reaches this node without a restart: every OIDC_KEY_CHECK_SECONDS the node
   * compares the stored key set with the one its provider serves (one cheap read, keys.ts signingKeyVersion) and,
   * when they differ, builds a new provider with the stored keys and sends the next requests to it (oidc-provider
   * takes its keys once, at construction; its state is all in the database, so nothing else changes). The bound:
   * a rotation made anywhere (another node, `npm run oidc:rotate-key`) is in this node's JWKS, and signs its new
   * tokens, at most OIDC_KEY_CHECK_SECONDS plus one provider build later. Tokens of the retired key still verify:
   * it stays in the stored set, so in the JWKS, until its row expires.
   */
  const retiring = new Set<Bridge>();
  let checking = false;
  const checkKeys = async () => {
    if (checking || closed || !started) return;
    checking = true;
    try {
      const current = await started;
      if ((await signingKeyVersion(deps.db)) === current.keyVersion) return;
      const next = await build();
      if (closed) return void (await next.bridge.close());
      started = Promise.resolve(next);
      retiring.add(current.bridge);
      setTimeout(() => {
        if (retiring.delete(current.bridge)) void current.bridge.close();
      }, RETIRED_BRIDGE_GRACE_MS).unref();
      deps.logger.info({ keys: next.keyVersion }, "oidc signing keys reloaded");
    } catch (err) {
      // The database may be down for a moment: the provider goes on with the keys it has; the next check retries.
      deps.logger.warn({ err }, "oidc signing keys could not be checked");
    } finally {
      checking = false;
    }
  };
  const keyCheck = setInterval(checkKeys, deps.config.oidcKeyCheckSeconds * 1000);
  keyCheck.unref();
  const interactions = createInteractions(deps);
  const { pages } = deps;

  async function answer(request: Request, step: InteractionStep): Promise<Response> {
    const ctx = await pages.context(request);
    if (step.kind === "redirect" && step.resume && isSameOriginNavigation(request)) {
      const response = pages.page(ctx, continuePage(ctx, step.location));
      response.headers.set("refresh", `0; url=${step.location}`);
      return response;
    }
    if (step.kind === "redirect") return pages.redirect(ctx, step.location);
    if (step.kind === "consent") {
      // ui_locales picks the page's language unless the person chose one (`?lang=`, the locale cookie).
      const uiLocale = String(step.interaction.params.ui_locales ?? "").split(" ")[0];
      const url = new URL(request.url);
      const asked = uiLocale && !url.searchParams.has(LOCALE_QUERY) && !hasLocaleCookie(request);
      if (asked) url.searchParams.set(LOCALE_QUERY, uiLocale);
      const pageCtx = asked ? await pages.context(new Request(url, { headers: request.headers })) : ctx;
      return pages.page(pageCtx, consentPage(pageCtx, step.interaction.uid, step.clientName, step.scopes));
    }
    return pages.page(ctx, interactionGone(ctx), { status: 400 });
  }

  const forward = async ({ request }: { request: Request }) => (await ready()).bridge.forward(request);
  const routes = new Elysia({ name: "oidc", detail: PAGE_ROUTE })
    .get("/.well-known/openid-configuration", forward)
    .get(`${OIDC_PREFIX}/interaction/:uid`, async ({ request, params }) => {
      const { provider } = await ready();
      return answer(request, await interactions.step(provider, request, params.uid));
    })
    .post(`${OIDC_PREFIX}/interaction/:uid/consent`, async ({ request, params, body }) => {
      const ctx = await pages.context(request);
      if (!pages.csrfOk(ctx, body)) return pages.page(ctx, interactionGone(ctx), { status: 403 });
      const { provider } = await ready();
      const approve = (body as Record<string, unknown> | undefined)?.decision === "allow";
      return answer(request, await interactions.decide(provider, params.uid, approve));
    })
    .all(`${OIDC_PREFIX}/*`, forward, { parse: "none" });
  return {
    routes,
    ready,
    async close() {
      closed = true;
      clearInterval(keyCheck);
      const bridges = [...retiring];
      retiring.clear();
      const running = started && (await started.catch(() => undefined));
      if (running) bridges.push(running.bridge);
      await Promise.all(bridges.map((bridge) => bridge.close()));
    },
  };
}

function hasLocaleCookie(request: Request): boolean {
  return (request.headers.get("cookie") ?? "")
    .split(";")
    .some((part) => part.trim().startsWith(`${LOCALE_COOKIE}=`));
}

function interactionGone(ctx: PageContext) {
  // Plain and short: the sign-in request ran out or is unknown; the application starts a new one.
  return layout(
    ctx,
    ctx.t("pages.oidcError.expiredTitle"),
    html`<p class="lead">${ctx.t("pages.oidcError.expired")}</p>`,
  );
}
