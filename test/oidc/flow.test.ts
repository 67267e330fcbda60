/**
 * A real relying party (openid-client) against Gatehouse's OpenID Provider: discovery, authorization code with
 * PKCE through a signed-in browser, ID token validation, userinfo, refresh with rotation, revocation,
 * introspection and RP-initiated logout; a second library (jose) verifies the ID token by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createRemoteJWKSet, jwtVerify } from "jose";
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

beforeAll(async () => {
  gatehouse = await startProvider();
});
afterAll(async () => {
  await gatehouse.close();
});

describe("GET /.well-known/openid-configuration", () => {
  it("names BASE_URL as issuer, every endpoint and S256 only", async () => {
    const response = await fetch(`${gatehouse.baseUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.issuer).toBe(gatehouse.baseUrl);
    expect(body.authorization_endpoint).toBe(`${gatehouse.baseUrl}/oidc/auth`);
    expect(body.token_endpoint).toBe(`${gatehouse.baseUrl}/oidc/token`);
    expect(body.userinfo_endpoint).toBe(`${gatehouse.baseUrl}/oidc/userinfo`);
    expect(body.jwks_uri).toBe(`${gatehouse.baseUrl}/oidc/jwks`);
    expect(body.end_session_endpoint).toBe(`${gatehouse.baseUrl}/oidc/session/end`);
    expect(body.introspection_endpoint).toBeString();
    expect(body.revocation_endpoint).toBeString();
    expect(body.code_challenge_methods_supported).toEqual(["S256"]);
    expect(body.registration_endpoint).toBe(`${gatehouse.baseUrl}/v1/oauth-clients/register`);
    expect(body.ui_locales_supported).toEqual(expect.arrayContaining(["en", "de", "ja"]));
    expect(body.scopes_supported).toEqual(
      expect.arrayContaining(["openid", "profile", "email", "phone", "tenant", "offline_access"]),
    );
    expect(body.grant_types_supported).toEqual(
      expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials"]),
    );
    expect(body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["client_secret_basic", "client_secret_post", "private_key_jwt"]),
    );
  });
});

describe("authorization code flow, confidential client", () => {
  it("signs in, exchanges the code with PKCE, validates the ID token, reads userinfo, refreshes, revokes, logs out", async () => {
    const config = await discover(gatehouse, CONFIDENTIAL.id, CONFIDENTIAL.secret);
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { verifier, challenge } = await pkce();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid profile email tenant offline_access",
      code_challenge: challenge,
      code_challenge_method: "S256",
      state,
      nonce,
      prompt: "consent",
    });
    const { stoppedAt } = await authorize(browser, url);
    expect(stoppedAt.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(stoppedAt.searchParams.get("code")).toBeString();

    const tokens = await oidc.authorizationCodeGrant(config, stoppedAt, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims?.iss).toBe(gatehouse.baseUrl);
    expect(claims?.aud).toBe(CONFIDENTIAL.id);
    expect(claims?.nonce).toBe(nonce);
    expect(claims?.auth_time).toBeNumber();
    expect(claims?.sid).toBeString();
    expect(claims?.amr).toEqual(["pwd"]);
    expect(claims?.acr).toBeString();
    expect(tokens.refresh_token).toBeString();

    // A second library, on its own: the ID token verifies against the published JWKS.
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.baseUrl}/oidc/jwks`));
    const verified = await jwtVerify(tokens.id_token ?? "", jwks, {
      issuer: gatehouse.baseUrl,
      audience: CONFIDENTIAL.id,
    });
    expect(verified.payload.sub).toBe(String(claims?.sub));

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, String(claims?.sub));
    expect(userinfo.email).toBe(ADMIN.email);
    expect(userinfo.tenant_id).toBeString();
    expect(userinfo.roles).toEqual(expect.arrayContaining(["owner"]));

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? "");
    expect(refreshed.refresh_token).toBeString();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const active = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(active.active).toBe(true);
    expect(active.sub).toBe(String(claims?.sub));
    await oidc.tokenRevocation(config, refreshed.access_token);
    expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);

    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: refreshed.id_token ?? tokens.id_token ?? "",
      post_logout_redirect_uri: "http://127.0.0.1:1/bye",
    });
    const page = await browser.fetch(logout);
    expect(page.status).toBe(200);
  });
});
