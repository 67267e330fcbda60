/**
 * A client deleted through /v1/oauth-clients takes its tokens with it: its refresh token no longer refreshes, its
 * access token no longer reads userinfo, and a resource server of the same tenant introspecting either is told
 * `active: false` (never a 500). oidc-provider finds no client behind them any more (src/http/oidc/clients.ts);
 * the introspection policy (src/http/oidc/provider.ts) refuses a token whose client is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import * as oidc from "openid-client";
import { ADMIN, type TestApp } from "../helpers/test-app.ts";
import {
  authorize,
  CONFIDENTIAL,
  discover,
  pkce,
  REDIRECT_URI,
  signedInBrowser,
  startProvider,
} from "./helpers.ts";

let gatehouse: TestApp;
let adminToken: string;

beforeAll(async () => {
  gatehouse = await startProvider();
  adminToken = await gatehouse.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await gatehouse.close();
});

/**
 * A client stored without a tenant (test/oidc/helpers.ts): the introspection policy counts it in `default`, where
 * it would count a client it cannot find, too.
 */
const UNTENANTED: CreatedClient = { client_id: CONFIDENTIAL.id, client_secret: CONFIDENTIAL.secret };

interface CreatedClient {
  readonly client_id: string;
  readonly client_secret: string;
}

/** A confidential client of the `default` tenant, made by the platform admin through /v1/oauth-clients. */
async function createClient(name: string): Promise<CreatedClient> {
  const response = await gatehouse.request("/v1/oauth-clients", {
    token: adminToken,
    json: { name, type: "confidential", redirect_uris: [REDIRECT_URI], first_party: true },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedClient;
}

async function introspect(by: CreatedClient, token: string) {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/token/introspection`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${by.client_id}:${by.client_secret}`)}`,
    },
    body: new URLSearchParams({ token }),
  });
  return { status: response.status, body: (await response.json()) as { active?: boolean } };
}

async function userinfoStatus(accessToken: string): Promise<number> {
  const response = await fetch(`${gatehouse.baseUrl}/oidc/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.status;
}

describe("DELETE /v1/oauth-clients/:id", () => {
  it("ends the client's access and refresh tokens, for itself and for a resource server of its tenant", async () => {
    const app = await createClient("Doomed App");
    const api = await createClient("Tenant API");
    const config = await discover(gatehouse, app.client_id, app.client_secret);
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { verifier, challenge } = await pkce();
    const { stoppedAt } = await authorize(
      browser,
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: "openid offline_access",
        prompt: "consent",
        code_challenge: challenge,
        code_challenge_method: "S256",
      }),
    );
    const tokens = await oidc.authorizationCodeGrant(config, stoppedAt, { pkceCodeVerifier: verifier });
    const refreshToken = String(tokens.refresh_token);
    expect(refreshToken).not.toBe("undefined");
    // Before the deletion: everything works, the resource server included.
    expect(await userinfoStatus(tokens.access_token)).toBe(200);
    expect((await introspect(api, tokens.access_token)).body.active).toBe(true);
    expect((await introspect(api, refreshToken)).body.active).toBe(true);

    const deleted = await gatehouse.request(`/v1/oauth-clients/${app.client_id}`, {
      method: "DELETE",
      token: adminToken,
    });
    expect(deleted.status).toBe(204);

    await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({
      error: "invalid_client",
    });
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    expect(await introspect(api, tokens.access_token)).toEqual({ status: 200, body: { active: false } });
    expect(await introspect(api, refreshToken)).toEqual({ status: 200, body: { active: false } });
    expect(await introspect(UNTENANTED, tokens.access_token)).toEqual({
      status: 200,
      body: { active: false },
    });
  });
});
