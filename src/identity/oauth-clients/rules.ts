/**
 * What a valid OAuth client is. Redirect URIs follow OAuth 2.0 Security BCP (RFC 9700 §2.1) and RFC 8252 for
 * native apps: absolute, no fragment, no credentials; `https`, or `http` on a loopback host (127.0.0.1,
 * localhost, [::1]), or a private-use scheme in reverse-domain form (`com.example.app:/callback`, RFC 8252
 * §7.1, which also keeps out `javascript:`, `data:` and the like). They are stored exactly as given and the
 * provider compares a request's `redirect_uri` with them character by character: no normalisation, no prefix
 * match, no wildcard, and — unlike RFC 8252 §7.3 — no free port on loopback, so register the port you use.
 */

import { OAuthClientErrors, type OAuthClientField } from "./errors.ts";
import {
  type ClientJwks,
  type CreateOAuthClientInput,
  MAX_CLIENT_JWKS_KEYS,
  MAX_REDIRECT_URIS,
  MAX_URI_LENGTH,
  OAUTH_GRANT_TYPES,
  OAUTH_SCOPES,
  type OAuthGrantType,
  type OAuthScope,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type TokenEndpointAuthMethod,
} from "./model.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
// A private-use scheme is a reversed domain name (RFC 8252 §7.1): it contains a dot.
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;
// Members of a private JWK (RFC 7518 §6): a client registers public keys only.
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

const fail = OAuthClientErrors.invalid;

/** Whether a list of URIs needs a native application type (a private-use scheme), else it is a web client's. */
export function isNativeUri(uri: string): boolean {
  const protocol = URL.parse(uri)?.protocol ?? "";
  return protocol !== "https:" && protocol !== "http:";
}

export function checkRedirectUris(
  field: "redirect_uris" | "post_logout_redirect_uris",
  uris: readonly string[],
): string[] {
  if (uris.length > MAX_REDIRECT_URIS) throw fail(field, `at most ${MAX_REDIRECT_URIS} URIs`);
  for (const uri of uris) {
    if (typeof uri !== "string" || uri.length === 0 || uri.length > MAX_URI_LENGTH) {
      throw fail(field, `each URI has 1 to ${MAX_URI_LENGTH} characters`);
    }
    if (uri.includes("#")) throw fail(field, `${uri} must not contain a fragment`);
    if (uri.includes("*")) throw fail(field, `${uri} must not contain a wildcard`);
    const url = URL.parse(uri);
    if (!url) throw fail(field, `${uri} is not an absolute URI`);
    if (url.username || url.password) throw fail(field, `${uri} must not contain credentials`);
    const loopback = LOOPBACK_HOSTS.has(url.hostname);
    if (url.protocol === "https:") continue;
    if (url.protocol === "http:") {
      if (!loopback) throw fail(field, `${uri}: http is allowed on a loopback host only; use https`);
      continue;
    }
    if (!PRIVATE_USE_SCHEME.test(url.protocol)) {
      throw fail(field, `${uri}: use https, http on a loopback host, or a reverse-domain private-use scheme`);
    }
  }
  // A native client (private-use scheme) may not also claim https on a loopback host (oidc-provider refuses it).
  if (uris.some(isNativeUri)) {
    for (const uri of uris) {
      const url = URL.parse(uri);
      if (url?.protocol === "https:" && LOOPBACK_HOSTS.has(url.hostname)) {
        throw fail(field, `${uri}: a native client uses http on loopback, not https`);
      }
    }
  }
  const unique = [...new Set(uris)];
  return unique;
}

function oneOf<T extends string>(field: OAuthClientField, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw fail(field, `${value} is not one of ${allowed.join(", ")}`);
  }
  return value as T;
}

export function checkScopes(scopes: readonly string[]): OAuthScope[] {
  const checked = [...new Set(scopes.map((scope) => oneOf("scopes", scope, OAUTH_SCOPES)))];
  if (!checked.includes("openid")) throw fail("scopes", "must include openid");
  return checked;
}

export function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw fail("name", "1 to 100 characters");
  return trimmed;
}

function checkJwks(value: unknown): ClientJwks {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_CLIENT_JWKS_KEYS) {
    throw fail("jwks", `a JWK Set with 1 to ${MAX_CLIENT_JWKS_KEYS} keys`);
  }
  for (const key of keys) {
    if (typeof key !== "object" || key === null || typeof (key as { kty?: unknown }).kty !== "string") {
      throw fail("jwks", "every key is a JWK object with kty");
    }
    if (PRIVATE_JWK_MEMBERS.some((member) => Object.hasOwn(key, member))) {
      throw fail("jwks", "public keys only (a key carries private or symmetric material)");
    }
  }
  return { keys: keys as ClientJwks["keys"] };
}

/** A new client's settings, checked and completed with the defaults. */
export interface CheckedClient {
  readonly name: string;
  readonly type: "public" | "confidential";
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  readonly grantTypes: OAuthGrantType[];
  readonly scopes: OAuthScope[];
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly jwks: ClientJwks | null;
  readonly jwksUri: string | null;
  readonly firstParty: boolean;
}

export function checkNewClient(input: CreateOAuthClientInput): CheckedClient {
  const type = oneOf("type", input.type, ["public", "confidential"] as const);
  const grantTypes = [
    ...new Set(
      (input.grantTypes ?? ["authorization_code", "refresh_token"]).map((grant) =>
        oneOf("grant_types", grant, OAUTH_GRANT_TYPES),
      ),
    ),
  ];
  if (grantTypes.length === 0) throw fail("grant_types", "at least one grant type");
  if (grantTypes.includes("refresh_token") && !grantTypes.includes("authorization_code")) {
    throw fail("grant_types", "refresh_token comes with authorization_code");
  }
  const method = oneOf(
    "token_endpoint_auth_method",
    input.tokenEndpointAuthMethod ?? (type === "public" ? "none" : "client_secret_basic"),
    TOKEN_ENDPOINT_AUTH_METHODS,
  );
  if (type === "public" && method !== "none") {
    throw fail("token_endpoint_auth_method", "a public client authenticates with none (and PKCE)");
  }
  if (type === "confidential" && method === "none") {
    throw fail("token_endpoint_auth_method", "a confidential client authenticates itself");
  }
  // A public client cannot keep a secret, so it cannot prove itself without a user (RFC 6749 §4.4).
  if (type === "public" && grantTypes.includes("client_credentials")) {
    throw fail("grant_types", "client_credentials needs a confidential client");
  }
  const redirectUris = checkRedirectUris("redirect_uris", input.redirectUris ?? []);
  if (grantTypes.includes("authorization_code") && redirectUris.length === 0) {
    throw fail("redirect_uris", "at least one redirect URI for the authorization code flow");
  }
  const postLogoutRedirectUris = checkRedirectUris(
    "post_logout_redirect_uris",
    input.postLogoutRedirectUris ?? [],
  );
  const scopes = checkScopes(
    input.scopes ??
      (grantTypes.includes("refresh_token")
        ? ["openid", "profile", "email", "offline_access"]
        : ["openid", "profile", "email"]),
  );
  let jwks: ClientJwks | null = null;
  let jwksUri: string | null = null;
  if (method === "private_key_jwt") {
    if ((input.jwks === undefined) === (input.jwksUri === undefined)) {
      throw fail("jwks", "private_key_jwt needs exactly one of jwks and jwks_uri");
    }
    if (input.jwks !== undefined) jwks = checkJwks(input.jwks);
    if (input.jwksUri !== undefined) {
      const url = URL.parse(input.jwksUri);
      if (url?.protocol !== "https:" || input.jwksUri.length > MAX_URI_LENGTH) {
        throw fail("jwks_uri", "an https URL");
      }
      jwksUri = input.jwksUri;
    }
  } else if (input.jwks !== undefined || input.jwksUri !== undefined) {
    throw fail("jwks", "keys are for private_key_jwt clients only");
  }
  return {
    name: checkName(input.name),
    type,
    redirectUris,
    postLogoutRedirectUris,
    grantTypes,
    scopes,
    tokenEndpointAuthMethod: method,
    jwks,
    jwksUri,
    firstParty: input.firstParty ?? false,
  };
}
