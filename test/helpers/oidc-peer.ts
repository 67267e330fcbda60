/**
 * A real OpenID Connect provider on loopback (the `oidc-provider` package) for sign-in tests: one confidential
 * client, authorization code + PKCE (required), refresh tokens, and a handful of accounts with `email` and
 * `email_verified` claims. The login and consent interaction is completed without a page: the peer signs in the
 * account named by the request's `login_hint`, else the one chosen with `loginAs()`, and grants what was asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import type { Account, Configuration } from "oidc-provider";

export interface OidcAccount {
  readonly sub: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
}

export interface OidcPeerOptions {
  /** Exact redirect URIs of the client (Gatehouse's `/api/auth/callback/<providerId>`). */
  readonly redirectUris: readonly string[];
  readonly accounts?: readonly OidcAccount[];
}

export interface OidcPeer {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Adds an account, or replaces the one with the same `sub`. */
  addAccount(account: OidcAccount): void;
  /** The account the next login signs in, unless the authorization request carries a `login_hint`. */
  loginAs(sub: string): void;
  /** Query of every authorization request the peer received, oldest first. */
  readonly authorizationRequests: readonly URLSearchParams[];
  /** The environment that configures Gatehouse to use this peer as OIDC provider `providerId`. */
  env(providerId: string): Record<string, string>;
  close(): Promise<void>;
}

export const OIDC_ACCOUNTS: readonly OidcAccount[] = [
  { sub: "alice-sub", email: "alice@corp.test", emailVerified: true, name: "Alice Corp" },
  { sub: "bob-sub", email: "bob@corp.test", emailVerified: true, name: "Bob Corp" },
  { sub: "mallory-sub", email: "mallory@corp.test", emailVerified: false, name: "Mallory Unverified" },
];

export async function startOidcPeer(options: OidcPeerOptions): Promise<OidcPeer> {
  const accounts = new Map((options.accounts ?? OIDC_ACCOUNTS).map((account) => [account.sub, account]));
  let nextLogin: string | undefined;
  const authorizationRequests: URLSearchParams[] = [];
  const clientId = "gatehouse-test";
  const clientSecret = "gatehouse-test-secret-0123456789";

  // The port must be known before the Provider is built, because the issuer URL contains it.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: "peer-key", alg: "RS256", use: "sig" };

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ["oidc-peer-cookie-key-0123456789"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    pkce: { required: () => true },
    // Refresh tokens without `offline_access` (which OIDC only honours with prompt=consent): Gatehouse's
    // refresh-token and get-access-token are under test, not the provider's consent rules.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    findAccount: (_ctx, sub): Account | undefined => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
        }),
      };
    },
    // Explicit lifetimes (the defaults log a notice each): long enough for any test, short enough to matter.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86400,
      Session: 3600,
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
  const provider = await quietly(async () => {
    const { default: Provider } = await import("oidc-provider");
    return new Provider(issuer, configuration);
  });
  const providerCallback = provider.callback();

  /** Completes login and consent in one step for the chosen account. */
  async function interact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const hint = typeof details.params.login_hint === "string" ? details.params.login_hint : undefined;
    const accountId = details.session?.accountId ?? hint ?? nextLogin;
    if (!accountId || !accounts.has(accountId)) {
      await provider.interactionFinished(req, res, {
        error: "access_denied",
        error_description: "no such test account",
      });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new Error(`grant ${details.grantId} vanished`);
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  handler = (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname.startsWith("/interaction/")) {
      interact(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    if (url.pathname === "/auth") authorizationRequests.push(url.searchParams);
    providerCallback(req, res);
  };

  return {
    issuer,
    clientId,
    clientSecret,
    authorizationRequests,
    addAccount(account) {
      accounts.set(account.sub, account);
    },
    loginAs(sub) {
      nextLogin = sub;
    },
    env(providerId) {
      const prefix = `OIDC_${providerId.toUpperCase().replace(/-/g, "_")}_`;
      return {
        OIDC_PROVIDERS: providerId,
        [`${prefix}ISSUER`]: issuer,
        [`${prefix}CLIENT_ID`]: clientId,
        [`${prefix}CLIENT_SECRET`]: clientSecret,
      };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * oidc-provider warns, once per process, that Bun is not a supported runtime and that its in-memory storage is for
 * development only; both are what a test peer wants, so those warnings are kept out of the test output.
 */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("oidc-provider WARNING")) return;
    warn(...args);
  };
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}
