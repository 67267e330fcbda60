/** Wire shapes of /v1/oauth-clients (RFC 7591 field names, so a client's settings read the same everywhere). */
import { t } from "elysia";
import {
  MAX_CLIENT_JWKS_KEYS,
  MAX_REDIRECT_URIS,
  MAX_URI_LENGTH,
  OAUTH_GRANT_TYPES,
  OAUTH_SCOPES,
  type OAuthClient,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from "../../../identity/oauth-clients/model.ts";

const uris = (description: string) =>
  t.Array(t.String({ minLength: 1, maxLength: MAX_URI_LENGTH }), {
    maxItems: MAX_REDIRECT_URIS,
    description,
  });
const REDIRECT_URIS =
  "Compared exactly with a request's redirect_uri. https; http on 127.0.0.1, localhost or [::1]; or a " +
  "reverse-domain private-use scheme (com.example.app:/cb). No fragment, no wildcard.";
/** A value of a fixed list, as answered. */
const enumOf = <T extends string>(values: readonly T[]) => t.UnionEnum([...values] as [T, ...T[]]);
/**
 * A value of a fixed list, as received: a plain string, because t.UnionEnum gives an absent optional field a
 * default (its first value); the store checks it and names the field in its 400.
 */
const oneOf = (values: readonly string[], description?: string) =>
  t.String({
    maxLength: 64,
    description: `One of ${values.join(", ")}${description ? `. ${description}` : ""}`,
  });
const Jwks = t.Object(
  { keys: t.Array(t.Record(t.String(), t.Unknown()), { minItems: 1, maxItems: MAX_CLIENT_JWKS_KEYS }) },
  { description: "Public keys for private_key_jwt" },
);

export const OAuthClientBody = t.Object(
  {
    client_id: t.String(),
    name: t.String(),
    type: enumOf(["public", "confidential"] as const),
    redirect_uris: t.Array(t.String(), { description: REDIRECT_URIS }),
    post_logout_redirect_uris: t.Array(t.String()),
    grant_types: t.Array(enumOf(OAUTH_GRANT_TYPES)),
    scopes: t.Array(enumOf(OAUTH_SCOPES)),
    token_endpoint_auth_method: enumOf(TOKEN_ENDPOINT_AUTH_METHODS),
    jwks: t.Nullable(Jwks),
    jwks_uri: t.Nullable(t.String()),
    first_party: t.Boolean({ description: "Skips the consent page" }),
    has_secret: t.Boolean({ description: "The secret itself is shown only at creation and rotation" }),
    created_at: t.String({ format: "date-time" }),
    updated_at: t.String({ format: "date-time" }),
  },
  { title: "OAuthClient" },
);

// Spread rather than t.Composite, which turns the literal unions (`type`) into `never`.
export const OAuthClientWithSecretBody = t.Object(
  {
    ...OAuthClientBody.properties,
    client_secret: t.Nullable(
      t.String({ description: "Shown once; null for clients without a secret (public, private_key_jwt)" }),
    ),
  },
  { title: "OAuthClientWithSecret" },
);

export const CreateOAuthClientBody = t.Object({
  name: t.String({ minLength: 1, maxLength: 100 }),
  type: oneOf(["public", "confidential"]),
  redirect_uris: t.Optional(uris(REDIRECT_URIS)),
  post_logout_redirect_uris: t.Optional(uris("Where RP-initiated logout may return to")),
  grant_types: t.Optional(
    t.Array(oneOf(OAUTH_GRANT_TYPES), {
      maxItems: OAUTH_GRANT_TYPES.length,
      description: "Default: authorization_code and refresh_token",
    }),
  ),
  scopes: t.Optional(
    t.Array(oneOf(OAUTH_SCOPES), {
      maxItems: OAUTH_SCOPES.length,
      description: "Default: openid profile email (and offline_access with refresh tokens)",
    }),
  ),
  token_endpoint_auth_method: t.Optional(
    oneOf(
      TOKEN_ENDPOINT_AUTH_METHODS,
      "Default: none for public, client_secret_basic for confidential clients",
    ),
  ),
  jwks: t.Optional(Jwks),
  jwks_uri: t.Optional(t.String({ maxLength: MAX_URI_LENGTH })),
  first_party: t.Optional(t.Boolean({ description: "Platform administrators only" })),
});

export const UpdateOAuthClientBody = t.Object({
  name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  redirect_uris: t.Optional(uris(REDIRECT_URIS)),
  post_logout_redirect_uris: t.Optional(uris("Where RP-initiated logout may return to")),
  scopes: t.Optional(t.Array(oneOf(OAUTH_SCOPES), { maxItems: OAUTH_SCOPES.length })),
  first_party: t.Optional(t.Boolean({ description: "Platform administrators only" })),
});

export function renderClient(client: OAuthClient) {
  return {
    client_id: client.id,
    name: client.name,
    type: client.type,
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    grant_types: [...client.grantTypes],
    scopes: [...client.scopes],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    jwks: client.jwks ? { keys: client.jwks.keys.map((key) => ({ ...key })) } : null,
    jwks_uri: client.jwksUri,
    first_party: client.firstParty,
    has_secret: client.hasSecret,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
  };
}
