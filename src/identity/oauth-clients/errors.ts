/**
 * Refusals of the OAuth client store: the native API's `invalid_request` with the field and the reason, and
 * `not_found`. The RFC 7591 endpoint maps `field` to its own codes (`invalid_redirect_uri` for the two URI
 * lists, `invalid_client_metadata` for the rest), so one validation serves both.
 */
import { V1Errors } from "../errors.ts";

export type OAuthClientField =
  | "name"
  | "type"
  | "redirect_uris"
  | "post_logout_redirect_uris"
  | "grant_types"
  | "scopes"
  | "token_endpoint_auth_method"
  | "jwks"
  | "jwks_uri"
  | "first_party";

export const OAuthClientErrors = {
  invalid: (field: OAuthClientField, reason: string) =>
    V1Errors.invalidRequest(`${field}: ${reason}`, { field, reason }),
  notFound: () => V1Errors.notFound("oauth_client"),
  noSecret: () =>
    V1Errors.invalidRequest("This client authenticates without a secret (public or private_key_jwt)", {
      field: "token_endpoint_auth_method",
      reason: "no secret to rotate",
    }),
} as const;
