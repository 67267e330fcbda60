/**
 * OAuth clients (relying parties) as the core sees them, and as the OpenID Provider reads them
 * (`ProviderClientMetadata`, oidc-provider's client metadata: RFC 7591 names plus Gatehouse's extras).
 */

export type OAuthClientType = "public" | "confidential";

/** `none` is a public client's (PKCE only); the others authenticate a confidential client at the token endpoint. */
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  "none",
  "client_secret_basic",
  "client_secret_post",
  "private_key_jwt",
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export const OAUTH_GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"] as const;
export type OAuthGrantType = (typeof OAUTH_GRANT_TYPES)[number];

/** The scopes the provider offers (issue 13); `tenant` adds `tenant_id` and the tenant `roles` claims. */
export const OAUTH_SCOPES = ["openid", "profile", "email", "phone", "offline_access", "tenant"] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

// Enough for a web app with a few environments and native apps; a longer list is a sign of wildcard-by-listing.
export const MAX_REDIRECT_URIS = 20;
// Browsers and proxies handle URLs up to ~2 KB reliably; a redirect URI also travels inside the authorize URL.
export const MAX_URI_LENGTH = 2000;
// A JWKS of a client is its signing keys for private_key_jwt: a handful during a rotation, never hundreds.
export const MAX_CLIENT_JWKS_KEYS = 10;

/** A JSON Web Key Set of public keys (RFC 7517), as a client registers it for private_key_jwt. */
export interface ClientJwks {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

export interface OAuthClient {
  /** The client_id. */
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly type: OAuthClientType;
  /** Compared exactly, character by character, with the `redirect_uri` of a request (no prefix, no wildcard). */
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly grantTypes: readonly OAuthGrantType[];
  readonly scopes: readonly OAuthScope[];
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly jwks: ClientJwks | null;
  readonly jwksUri: string | null;
  /** Skips the consent page (only platform admins may set it: src/authz/policies/oauth-clients.cedar). */
  readonly firstParty: boolean;
  /** Whether the client has a secret (client_secret_basic / client_secret_post); the secret is never shown again. */
  readonly hasSecret: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface CreateOAuthClientInput {
  readonly name: string;
  /** `public` or `confidential` (checked by rules.ts, so a wire value can be passed as it came). */
  readonly type: string;
  readonly redirectUris?: readonly string[] | undefined;
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  /** Default: authorization_code and refresh_token (client_credentials alone for a machine client). */
  readonly grantTypes?: readonly string[] | undefined;
  /** Default: openid profile email, and offline_access when refresh tokens are granted. */
  readonly scopes?: readonly string[] | undefined;
  /** Default: `none` for a public client, `client_secret_basic` for a confidential one. */
  readonly tokenEndpointAuthMethod?: string | undefined;
  readonly jwks?: unknown;
  readonly jwksUri?: string | undefined;
  readonly firstParty?: boolean | undefined;
}

/** What an update may change; an absent field stays as it is. */
export interface UpdateOAuthClientInput {
  readonly name?: string | undefined;
  readonly redirectUris?: readonly string[] | undefined;
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly firstParty?: boolean | undefined;
}

/** A client with its secret, as it is returned once: at creation and at a rotation. */
export interface OAuthClientWithSecret {
  readonly client: OAuthClient;
  /** Null for clients without a secret (public, private_key_jwt). */
  readonly secret: string | null;
}

/**
 * A client as oidc-provider's `findAccount`-style adapter returns it (the Client model's metadata). `tenant_id` and
 * `first_party` are extra metadata the provider must be told about (its `extraClientMetadata.properties`).
 */
export interface ProviderClientMetadata {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly client_name: string;
  readonly redirect_uris: string[];
  readonly post_logout_redirect_uris: string[];
  readonly grant_types: string[];
  readonly response_types: string[];
  readonly scope: string;
  readonly token_endpoint_auth_method: TokenEndpointAuthMethod;
  readonly application_type: "web" | "native";
  readonly jwks?: { keys: Record<string, unknown>[] };
  readonly jwks_uri?: string;
  readonly tenant_id: string;
  readonly first_party: boolean;
}
