/**
 * /v1/oauth-clients: the tenant's OAuth clients (relying parties of the OpenID Provider). Decode, call the
 * store (src/identity/oauth-clients/service.ts, which decides and validates), render. A secret is in the
 * answers of create and rotate-secret only.
 */
import { Elysia, t } from "elysia";
import type { V1Services } from "../../services.ts";
import { ErrorBody } from "../users/model.ts";
import {
  CreateOAuthClientBody,
  OAuthClientBody,
  OAuthClientWithSecretBody,
  renderClient,
  UpdateOAuthClientBody,
} from "./model.ts";

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };
const tags = ["Users"];
const Params = t.Object({ id: t.String({ maxLength: 128 }) });

export function oauthClientsModule(services: V1Services) {
  const { oauthClients, resolveContext } = services;
  return new Elysia({ name: "oauth-clients", prefix: "/v1/oauth-clients" })
    .get(
      "",
      async ({ request }) => {
        const clients = await oauthClients.list(await resolveContext(request.headers));
        return { data: clients.map(renderClient) };
      },
      {
        response: { 200: t.Object({ data: t.Array(OAuthClientBody) }), ...errors },
        detail: { tags, summary: "List the tenant's OAuth clients" },
      },
    )
    .post(
      "",
      async ({ body, request, set }) => {
        const { client, secret } = await oauthClients.create(await resolveContext(request.headers), {
          name: body.name,
          type: body.type,
          redirectUris: body.redirect_uris,
          postLogoutRedirectUris: body.post_logout_redirect_uris,
          grantTypes: body.grant_types,
          scopes: body.scopes,
          tokenEndpointAuthMethod: body.token_endpoint_auth_method,
          jwks: body.jwks,
          jwksUri: body.jwks_uri,
          firstParty: body.first_party,
        });
        set.status = 201;
        return { ...renderClient(client), client_secret: secret };
      },
      {
        body: CreateOAuthClientBody,
        response: { 201: OAuthClientWithSecretBody, ...errors },
        detail: { tags, summary: "Register an OAuth client (its secret is shown once)" },
      },
    )
    .get(
      "/:id",
      async ({ params, request }) =>
        renderClient(await oauthClients.get(await resolveContext(request.headers), params.id)),
      {
        params: Params,
        response: { 200: OAuthClientBody, ...errors },
        detail: { tags, summary: "Get an OAuth client" },
      },
    )
    .patch(
      "/:id",
      async ({ params, body, request }) =>
        renderClient(
          await oauthClients.update(await resolveContext(request.headers), params.id, {
            name: body.name,
            redirectUris: body.redirect_uris,
            postLogoutRedirectUris: body.post_logout_redirect_uris,
            scopes: body.scopes,
            firstParty: body.first_party,
          }),
        ),
      {
        params: Params,
        body: UpdateOAuthClientBody,
        response: { 200: OAuthClientBody, ...errors },
        detail: { tags, summary: "Change an OAuth client's name, redirect URIs, scopes or first-party mark" },
      },
    )
    .post(
      "/:id/rotate-secret",
      async ({ params, request }) => {
        const { client, secret } = await oauthClients.rotateSecret(
          await resolveContext(request.headers),
          params.id,
        );
        return { ...renderClient(client), client_secret: secret };
      },
      {
        params: Params,
        response: { 200: OAuthClientWithSecretBody, ...errors },
        detail: { tags, summary: "Replace an OAuth client's secret (the new one is shown once)" },
      },
    )
    .delete(
      "/:id",
      async ({ params, request, set }) => {
        await oauthClients.delete(await resolveContext(request.headers), params.id);
        set.status = 204;
        return null;
      },
      {
        params: Params,
        response: { 204: t.Null(), ...errors },
        detail: { tags, summary: "Delete an OAuth client" },
      },
    );
}
