/**
 * Clients registered per tenant at /v1/oauth-clients (src/identity/oauth-clients/) are the provider's clients:
 * the platform admin registers a first-party client of `default` and a relying party signs in with it; a user
 * who is not a member of a tenant's client's tenant is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import * as oidc from "openid-client";
import { ADMIN, type TestApp } from "../helpers/test-app.ts";
import { authorize, discover, pkce, REDIRECT_URI, signedInBrowser, startProvider } from "./helpers.ts";

let gatehouse: TestApp;
let adminToken: string;

beforeAll(async () => {
  gatehouse = await startProvider();
  adminToken = await gatehouse.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await gatehouse.close();
});

async function register(tenant: string, body: Record<string, unknown>) {
  const response = await gatehouse.request("/v1/oauth-clients", {
    token: adminToken,
    headers: { "x-tenant-id": tenant },
    json: { type: "confidential", redirect_uris: [REDIRECT_URI], ...body },
  });
  const created = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`POST /v1/oauth-clients: ${JSON.stringify(created)}`);
  return { id: String(created.client_id ?? created.id), secret: String(created.client_secret) };
}

async function signInWith(client: { id: string; secret: string }, email: string, password: string) {
  const config = await discover(gatehouse, client.id, client.secret);
  const browser = await signedInBrowser(gatehouse, email, password);
  const { verifier, challenge } = await pkce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid email tenant",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "st",
  });
  const { stoppedAt } = await authorize(browser, url);
  return { config, verifier, stoppedAt };
}

describe("clients of /v1/oauth-clients", () => {
  it("sign a member in through the provider, with the tenant's claims", async () => {
    const client = await register("default", {
      name: "Store App",
      first_party: true,
      scopes: ["openid", "email", "tenant"],
    });
    const { config, verifier, stoppedAt } = await signInWith(client, ADMIN.email, ADMIN.password);
    expect(stoppedAt.searchParams.get("code")).toBeString();
    const tokens = await oidc.authorizationCodeGrant(config, stoppedAt, {
      pkceCodeVerifier: verifier,
      expectedState: "st",
    });
    expect(tokens.claims()?.aud).toBe(client.id);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, String(tokens.claims()?.sub));
    expect(userinfo.email).toBe(ADMIN.email);
    expect(userinfo.tenant_id).toBeString();
  });

  it("refuse an account that is not a member of the client's tenant", async () => {
    const created = await gatehouse.request("/api/auth/organization/create", {
      token: adminToken,
      json: { name: "Tenant B", slug: "tenant-b" },
    });
    expect(created.status).toBe(200);
    const tenantB = String(((await created.json()) as { id: string }).id);
    const client = await register(tenantB, {
      name: "B App",
      first_party: true,
      scopes: ["openid", "email", "tenant"],
    });
    const outsider = { email: "outsider@gatehouse.test", password: "outsider-password-1" };
    const made = await gatehouse.request("/api/auth/admin/create-user", {
      token: adminToken,
      json: { ...outsider, name: "Outsider" },
    });
    expect(made.status).toBe(200);
    const { stoppedAt } = await signInWith(client, outsider.email, outsider.password);
    expect(stoppedAt.href).toStartWith(REDIRECT_URI);
    expect(stoppedAt.searchParams.get("error")).toBe("access_denied");
  });
});
