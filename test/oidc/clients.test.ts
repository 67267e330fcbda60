/**
 * The other kinds of client: a public client (PKCE required, consent on the hosted page, remembered), a machine
 * client (client_credentials, an RFC 9068 JWT access token for Gatehouse's API), a client authenticating with
 * private_key_jwt, and the JWKS across a key rotation.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { saveClient } from "../../src/http/oidc/clients.ts";
import { loadSigningKeys, rotateSigningKey } from "../../src/http/oidc/keys.ts";
import { ADMIN, type TestApp } from "../helpers/test-app.ts";
import {
  authorize,
  discover,
  MACHINE,
  PUBLIC,
  pkce,
  REDIRECT_URI,
  signedInBrowser,
  startProvider,
} from "./helpers.ts";

let gatehouse: TestApp;
let rotatedKid: string;

beforeAll(async () => {
  gatehouse = await startProvider();
  // Before the provider's first request (it reads its keys then): a first key, then a rotation, as a restart sees.
  const { db, config } = gatehouse.deps;
  await loadSigningKeys(db, config.authSecret);
  rotatedKid = await rotateSigningKey(db, config.authSecret, 3600);
});
afterAll(async () => {
  await gatehouse.close();
});

describe("a public client", () => {
  it("asks consent on the hosted page once, then remembers it", async () => {
    const config = await discover(gatehouse, PUBLIC.id, undefined, oidc.None());
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { verifier, challenge } = await pkce();
    const params = {
      redirect_uri: REDIRECT_URI,
      scope: "openid email",
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: "st",
      ui_locales: "de",
    };
    const { stoppedAt, last } = await authorize(browser, oidc.buildAuthorizationUrl(config, params));
    expect(stoppedAt.pathname).toStartWith("/oidc/interaction/");
    const page = await last.text();
    expect(page).toContain("Public App");
    expect(page).toContain("Ihre E-Mail-Adresse");
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const decision = await browser.fetch(new URL(`${stoppedAt.pathname}/consent`, gatehouse.baseUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: gatehouse.baseUrl },
      body: new URLSearchParams({ csrf, decision: "allow" }),
    });
    const back = await browser.follow(
      new URL(`${stoppedAt.pathname}/consent`, gatehouse.baseUrl),
      decision,
      (next) => next.href.startsWith(REDIRECT_URI),
    );
    expect(back.stoppedAt.href).toStartWith(REDIRECT_URI);
    const tokens = await oidc.authorizationCodeGrant(config, back.stoppedAt, {
      pkceCodeVerifier: verifier,
      expectedState: "st",
    });
    expect(tokens.claims()?.aud).toBe(PUBLIC.id);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, String(tokens.claims()?.sub));
    expect(userinfo.email).toBe(ADMIN.email);
    // JWKS: the ID token is signed with the key the rotation made.
    expect(decodeProtectedHeader(tokens.id_token ?? "").kid).toBe(rotatedKid);

    // Remembered: the second authorization goes straight back with a code.
    const again = await authorize(
      browser,
      oidc.buildAuthorizationUrl(config, { ...params, code_challenge: (await pkce()).challenge }),
    );
    expect(again.stoppedAt.href).toStartWith(REDIRECT_URI);
    expect(again.stoppedAt.searchParams.get("code")).toBeString();

    // prompt=consent asks again, remembered or not.
    const asked = await authorize(
      browser,
      oidc.buildAuthorizationUrl(config, {
        ...params,
        prompt: "consent",
        code_challenge: (await pkce()).challenge,
      }),
    );
    expect(asked.stoppedAt.pathname).toStartWith("/oidc/interaction/");
    expect(await asked.last.text()).toContain("Public App");
  });

  it("is refused without PKCE", async () => {
    const config = await discover(gatehouse, PUBLIC.id, undefined, oidc.None());
    const browser = await signedInBrowser(gatehouse, ADMIN.email, ADMIN.password);
    const { stoppedAt } = await authorize(
      browser,
      oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: "openid" }),
    );
    expect(stoppedAt.href).toStartWith(REDIRECT_URI);
    expect(stoppedAt.searchParams.get("error")).toBe("invalid_request");
  });
});

describe("machine clients", () => {
  it("get an RFC 9068 JWT access token for Gatehouse's API by client_credentials (client_secret_post)", async () => {
    const config = await discover(
      gatehouse,
      MACHINE.id,
      MACHINE.secret,
      oidc.ClientSecretPost(MACHINE.secret),
    );
    const tokens = await oidc.clientCredentialsGrant(config, { resource: gatehouse.baseUrl });
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.baseUrl}/oidc/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: gatehouse.baseUrl,
      audience: gatehouse.baseUrl,
      typ: "at+jwt",
    });
    expect(protectedHeader.kid).toBe(rotatedKid);
    expect(payload.client_id).toBe(MACHINE.id);
  });

  it("authenticate with private_key_jwt", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    await saveClient(gatehouse.deps.db, {
      client_id: "jwt-app",
      redirect_uris: [],
      response_types: [],
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "ES256",
      jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: "ES256", use: "sig" }] },
    });
    const config = await discover(gatehouse, "jwt-app", undefined, oidc.PrivateKeyJwt(privateKey));
    const tokens = await oidc.clientCredentialsGrant(config, {});
    expect(tokens.access_token).toBeString();
    const wrongKey = (await generateKeyPair("ES256")).privateKey;
    const impostor = await discover(gatehouse, "jwt-app", undefined, oidc.PrivateKeyJwt(wrongKey));
    await expect(oidc.clientCredentialsGrant(impostor, {})).rejects.toMatchObject({
      error: "invalid_client",
    });
  });
});

describe("GET /oidc/jwks", () => {
  it("publishes the new signing key and keeps the retired one until its tokens expire", async () => {
    const body = (await (await fetch(`${gatehouse.baseUrl}/oidc/jwks`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(body.keys.length).toBe(2);
    expect(body.keys[0]?.kid).toBe(rotatedKid);
    for (const key of body.keys) expect(key.d).toBeUndefined();
  });
});
