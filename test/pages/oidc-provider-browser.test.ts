/**
 * "Sign in with Gatehouse" as a person does it, in headless Chromium: a relying party (openid-client) builds the
 * authorization URL, the browser follows it to the hosted /sign-in (e-mail and password typed), then to the
 * consent page (Allow or Deny clicked), and lands on the relying party's redirect_uri — a tiny HTTP server of
 * this test. The relying party then exchanges the code (PKCE) and validates the ID token: by openid-client's
 * checks (iss, aud, nonce, exp) and by its signature against the provider's JWKS (jose). For a public client
 * and a confidential one; Deny ends at the redirect_uri with `access_denied`. axe checks the consent page.
 */
import { afterAll, beforeAll, expect, it } from "bun:test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";
import type { Page } from "playwright-core";
import { saveClient } from "../../src/http/oidc/clients.ts";
import { describeBrowser } from "../helpers/chromium.ts";
import { pageSession } from "../helpers/page-session.ts";
import { ADMIN } from "../helpers/test-app.ts";

const session = pageSession();

/** The relying party's callback: answers every request with a plain page, so the browser's navigation ends. */
let callback: ReturnType<typeof Bun.serve> | undefined;
let redirectUri = "";
const PUBLIC_APP = { id: "browser-public", name: "Browser Public App" } as const;
const FIRST_PARTY_APP = {
  id: "browser-first-party",
  secret: "browser-first-party-secret-0123456789",
} as const;
const CONFIDENTIAL_APP = {
  id: "browser-confidential",
  name: "Browser Confidential App",
  secret: "browser-confidential-secret-0123456789",
} as const;

beforeAll(async () => {
  callback = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("relying party") });
  redirectUri = `http://127.0.0.1:${callback.port}/cb`;
  const { db } = session.t.deps;
  await saveClient(db, {
    client_id: PUBLIC_APP.id,
    client_name: PUBLIC_APP.name,
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "none",
    first_party: false,
  });
  await saveClient(db, {
    client_id: CONFIDENTIAL_APP.id,
    client_secret: CONFIDENTIAL_APP.secret,
    client_name: CONFIDENTIAL_APP.name,
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
    first_party: false,
  });
  await saveClient(db, {
    client_id: FIRST_PARTY_APP.id,
    client_secret: FIRST_PARTY_APP.secret,
    client_name: "Browser First-Party App",
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
    first_party: true,
  });
});
afterAll(() => {
  callback?.stop(true);
});

function relyingParty(client: "public" | "confidential") {
  const base = new URL(session.t.baseUrl);
  const options = { execute: [oidc.allowInsecureRequests] };
  return client === "public"
    ? oidc.discovery(base, PUBLIC_APP.id, undefined, oidc.None(), options)
    : oidc.discovery(base, CONFIDENTIAL_APP.id, CONFIDENTIAL_APP.secret, undefined, options);
}

/** Starts the authorization in the browser and signs in on the hosted page. */
async function signIn(page: Page, config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  await page.goto(url.href);
  await page.waitForURL("**/sign-in?**");
  await page.getByLabel("E-mail address or username").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  return { verifier, state, nonce };
}

/** …and stops on the consent page. */
async function toConsent(page: Page, config: oidc.Configuration) {
  const started = await signIn(page, config);
  await page.waitForURL("**/oidc/interaction/**");
  await page.getByRole("heading", { name: "Allow access?" }).waitFor();
  return started;
}

async function landedAt(page: Page): Promise<URL> {
  await page.waitForURL(`${redirectUri}**`);
  return new URL(page.url());
}

describeBrowser("the OpenID Provider's hop through the hosted pages", () => {
  for (const client of ["public", "confidential"] as const) {
    it(`signs in, consents and returns a code the ${client} client exchanges for a valid ID token`, async () => {
      const config = await relyingParty(client);
      const page = await session.open();
      const { verifier, state, nonce } = await toConsent(page, config);
      const consent = await page.locator("main").innerText();
      expect(consent).toContain(client === "public" ? PUBLIC_APP.name : CONFIDENTIAL_APP.name);
      expect(consent).toContain("Your e-mail address");
      if (client === "public") await session.check(page, "oidc-consent");
      await page.getByRole("button", { name: "Allow" }).click();
      const landed = await landedAt(page);
      expect(landed.searchParams.get("code")).toBeString();
      expect(landed.searchParams.get("state")).toBe(state);

      const tokens = await oidc.authorizationCodeGrant(config, landed, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const clientId = client === "public" ? PUBLIC_APP.id : CONFIDENTIAL_APP.id;
      const jwks = createRemoteJWKSet(new URL(String(config.serverMetadata().jwks_uri)));
      const { payload } = await jwtVerify(tokens.id_token ?? "", jwks, {
        issuer: session.t.baseUrl,
        audience: clientId,
      });
      expect(payload.nonce).toBe(nonce);
      const admin = await session.t.deps.db.kysely
        .selectFrom("user")
        .select("id")
        .where("email", "=", ADMIN.email)
        .executeTakeFirstOrThrow();
      expect(payload.sub).toBe(admin.id);
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, admin.id);
      expect(userinfo.email).toBe(ADMIN.email);
    });
  }

  it("goes from the sign-in form straight back to a first-party client (no consent page)", async () => {
    const base = new URL(session.t.baseUrl);
    const config = await oidc.discovery(base, FIRST_PARTY_APP.id, FIRST_PARTY_APP.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const page = await session.open();
    const { verifier, state, nonce } = await signIn(page, config);
    const landed = await landedAt(page);
    const tokens = await oidc.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()?.aud).toBe(FIRST_PARTY_APP.id);
  });

  it("returns access_denied to the redirect_uri when the person clicks Deny", async () => {
    const config = await relyingParty("confidential");
    const page = await session.open();
    const { state } = await toConsent(page, config);
    await page.getByRole("button", { name: "Deny" }).click();
    const landed = await landedAt(page);
    expect(landed.searchParams.get("error")).toBe("access_denied");
    expect(landed.searchParams.get("state")).toBe(state);
    expect(landed.searchParams.get("code")).toBeNull();
  });

  it("shows a refused redirect_uri on the hosted error page, which passes axe", async () => {
    const config = await relyingParty("public");
    const page = await session.open();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: "https://elsewhere.example/cb",
      scope: "openid",
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const response = await page.goto(url.href);
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).pathname).toBe("/oidc/auth");
    expect(await page.locator("h1").innerText()).toBe("Sign-in could not continue");
    expect(await page.getByTestId("oauth-error").innerText()).toBe("invalid_redirect_uri");
    await session.check(page, "oidc-error");
  });
});
