/**
 * The OpenID Provider: the certified `oidc-provider` (see README "OpenID Provider" for why this library), with
 * its state in our database (adapter.ts), its keys shared by every node (keys.ts), accounts from the account
 * service (accounts.ts) and its login and consent on Gatehouse's pages (interaction.ts). Built on the first
 * request that needs it, because its keys come from the database, and again when they change (index.ts).
 */
import { createHash } from "node:crypto";
import type Provider from "oidc-provider";
import type { Configuration } from "oidc-provider";
import type { Auth } from "../../auth/index.ts";
import type { Config } from "../../config.ts";
import { SUPPORTED_LOCALES } from "../../i18n/index.ts";
import type { Identity } from "../../identity/index.ts";
import type { Db } from "../../platform/db/index.ts";
import { escapeHtml } from "../pages/html.ts";
import { createAccountFinder, SCOPE_CLAIMS } from "./accounts.ts";
import { createPayloadAdapter } from "./adapter.ts";
import { type ClientSource, EXTRA_CLIENT_METADATA } from "./clients.ts";
import type { SigningJwk } from "./keys.ts";

/** Every endpoint of the provider lives under this prefix; discovery stays at /.well-known/openid-configuration. */
export const OIDC_PREFIX = "/oidc";

export const OIDC_ROUTES = {
  authorization: `${OIDC_PREFIX}/auth`,
  token: `${OIDC_PREFIX}/token`,
  userinfo: `${OIDC_PREFIX}/userinfo`,
  jwks: `${OIDC_PREFIX}/jwks`,
  end_session: `${OIDC_PREFIX}/session/end`,
  introspection: `${OIDC_PREFIX}/token/introspection`,
  revocation: `${OIDC_PREFIX}/token/revocation`,
  registration: `${OIDC_PREFIX}/reg`,
  pushed_authorization_request: `${OIDC_PREFIX}/request`,
  code_verification: `${OIDC_PREFIX}/device`,
  device_authorization: `${OIDC_PREFIX}/device/auth`,
  backchannel_authentication: `${OIDC_PREFIX}/backchannel`,
  challenge: `${OIDC_PREFIX}/challenge`,
} as const;

/** The `acr` of a login through Gatehouse's sign-in (interaction.ts). */
export const ACR_PASSWORD = "urn:gatehouse:acr:password";

/** The page the provider sends a browser to for login and consent (interaction.ts). */
export const interactionPath = (uid: string) => `${OIDC_PREFIX}/interaction/${uid}`;

// Lifetimes, in seconds. An authorization code is used within seconds of its issue; 60 s is the ceiling the
// issue sets. Access and ID tokens are short (an hour, the common default of providers), refresh tokens last two
// weeks of inactivity at most; a login session a day, as better-auth's own sessions are renewed.
export const TTL = {
  AuthorizationCode: 60,
  AccessToken: 3600,
  ClientCredentials: 3600,
  IdToken: 3600,
  RefreshToken: 14 * 24 * 3600,
  Interaction: 3600,
  Session: 24 * 3600,
  Grant: 14 * 24 * 3600,
} as const;

// The names oidc-provider gives these in its own invalid_grant descriptions (lib/actions/grants/*.js).
const CONSUMED_LABEL: Readonly<Record<string, string>> = {
  AuthorizationCode: "authorization code",
  RefreshToken: "refresh token",
  DeviceCode: "device code",
  BackchannelAuthenticationRequest: "backchannel authentication request",
};

export interface ProviderDeps {
  readonly config: Config;
  readonly db: Db;
  readonly identity: Pick<Identity, "accounts" | "tenants">;
  readonly clients: ClientSource;
  readonly auth: Auth;
  /** The signing keys to serve, the signing one first (keys.ts loadSigningKeys). */
  readonly keys: readonly SigningJwk[];
  /** The error page of requests that cannot go back to the client (the pages' one: error-renderer.ts). */
  readonly renderError?: Configuration["renderError"];
}

/**
 * oidc-provider's prompts, with one more check on login: the browser's Gatehouse session must still be there and
 * be the same account. Signing out of Gatehouse, a ban or a deletion (each ends better-auth's sessions) thus
 * ends single sign-on for every client too: the next authorization asks for a login (`login_required` with
 * `prompt=none`) instead of riding the provider's own session cookie.
 */
function interactionPolicyFor(auth: Auth, { interactionPolicy }: OidcModule) {
  const policy = interactionPolicy.base();
  const login = policy.get("login");
  login?.checks.add(
    new interactionPolicy.Check(
      "gatehouse_session",
      "End-User authentication is required",
      "login_required",
      async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        if (!accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const headers = new Headers({ cookie: String(ctx.get("cookie") ?? "") });
        const current = await auth.api.getSession({ headers }).catch(() => null);
        return current?.user.id === accountId
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}

/** The resource (RFC 8707) whose access tokens are JWTs (RFC 9068): Gatehouse's own API at BASE_URL. */
export const defaultResource = (config: Config) => config.baseUrl;

type OidcModule = typeof import("oidc-provider");

/**
 * oidc-provider, loaded when the provider is first needed. Its module warns on import that it supports only
 * Node.js LTS; Gatehouse runs on Bun by decision (docs/architecture.md) and its tests run the provider there,
 * so that one line is not printed — a start-up failure must stay one line (test/restart.test.ts).
 */
async function loadOidcProvider(): Promise<OidcModule> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes("oidc-provider WARNING: Unsupported runtime")) warn(...args);
  };
  try {
    return await import("oidc-provider");
  } finally {
    console.warn = warn;
  }
}

export async function createProvider(deps: ProviderDeps): Promise<Provider> {
  const oidcModule = await loadOidcProvider();
  const { default: Provider, errors } = oidcModule;
  const { config, db, clients } = deps;
  const { keys } = deps;
  const accounts = createAccountFinder(deps.identity);
  const StoredAdapter = createPayloadAdapter(db, {
    // A pushed request used twice is a bad authorization request; a code or refresh token, a bad grant.
    alreadyConsumed: (model) =>
      model === "PushedAuthorizationRequest"
        ? new errors.InvalidRequest("request_uri already used")
        : new errors.InvalidGrant(`${CONSUMED_LABEL[model] ?? model} already consumed`),
  });
  // Clients come from the ClientSource (clients.ts), every other model from the table.
  class Adapter extends StoredAdapter {
    override async find(id: string) {
      if (this.model === "Client") return clients.findClient(id);
      return super.find(id);
    }
  }
  const resource = defaultResource(config);
  // Set once the provider exists: the introspection policy looks up the token's client.
  let Client: Provider["Client"];
  const configuration: Configuration = {
    adapter: Adapter,
    // biome-ignore lint/suspicious/noExplicitAny: oidc-provider types findAccount's ctx as its Koa context
    findAccount: accounts.findAccount as any,
    jwks: { keys: keys as never },
    cookies: {
      // Derived from AUTH_SECRET so that every node signs and checks the provider's cookies alike.
      keys: [
        createHash("sha256").update("gatehouse oidc cookies\0").update(config.authSecret).digest("base64url"),
      ],
    },
    routes: OIDC_ROUTES,
    discovery: {
      claim_types_supported: ["normal"],
      ui_locales_supported: [...SUPPORTED_LOCALES],
      // RFC 7591 registration is served by the native surface over the client store
      // (src/http/native/oauth-clients/registration.ts), not by oidc-provider's own registration feature.
      registration_endpoint: `${config.baseUrl}/v1/oauth-clients/register`,
    },
    scopes: ["openid", "offline_access", "profile", "email", "phone", "tenant"],
    // oidc-provider's standalone claims (its defaults, plus amr), then the claims of each scope (accounts.ts).
    claims: {
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
      iss: null,
      ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, names]) => [scope, [...names]])),
    },
    // auth_time in every ID token (the issue asks for it); a client may still turn it off in its metadata.
    clientDefaults: {
      grant_types: ["authorization_code"],
      id_token_signed_response_alg: "RS256",
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      require_auth_time: true,
    },
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    // One level today: a password (or a session opened by one) at Gatehouse's sign-in.
    acrValues: [ACR_PASSWORD],
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
    responseTypes: ["code"],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
    rotateRefreshToken: true,
    ttl: { ...TTL },
    interactions: {
      url: (_ctx, interaction) => interactionPath(interaction.uid),
      policy: interactionPolicyFor(deps.auth, oidcModule),
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client introspects its own tokens, or (a resource server) those of clients of its own tenant.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === "none" || !token.clientId) return false;
          const owner = await Client.find(token.clientId);
          // A token whose client is gone (deleted at /v1/oauth-clients) is dead: it has no tenant to compare,
          // and oidc-provider would read the missing client's metadata next.
          if (!owner) return false;
          return tenantOfClient(owner) === tenantOfClient(client);
        },
      },
      // A client revokes only its own tokens (RFC 7009, section 2.1: "issued to the client making the request").
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Without `resource`, the access token is opaque and serves userinfo; with it, a JWT for that API.
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: "api",
            audience: resource,
            accessTokenFormat: "jwt",
            accessTokenTTL: TTL.AccessToken,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    // The `tenant` scope asks for the client's own tenant; `tenant=` names it (and must, when given, match).
    extraParams: ["tenant"],
    renderError:
      deps.renderError ??
      (async (ctx, out) => {
        ctx.type = "html";
        ctx.body = errorPage(String(out.error), String(out.error_description ?? ""));
      }),
  };
  const provider = new Provider(config.baseUrl, configuration);
  Client = provider.Client;
  // Gatehouse forwards with X-Forwarded-Host/Proto set from BASE_URL (bridge.ts).
  provider.proxy = true;
  // `sid` in every ID token (the issue lists it): oidc-provider adds it only for back-channel logout clients
  // (Client#includeSid in its lib/models/client.js), so the provider's own client class says yes for all.
  Object.defineProperty(provider.Client.prototype, "includeSid", { value: () => true });
  return provider;
}

/** The provider's own error page (no redirect possible: unknown client, unregistered redirect_uri). */
function errorPage(error: string, description: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p><code>${escapeHtml(error)}</code></p><p>${escapeHtml(description)}</p></main></body></html>`;
}

/** The tenant a client belongs to (clients.ts: `tenant_id`, else `default`). */
function tenantOfClient(client: unknown): string {
  const tenant = (client as { tenant_id?: unknown } | undefined)?.tenant_id;
  return typeof tenant === "string" ? tenant : "default";
}
