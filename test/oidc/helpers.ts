/**
 * What the OpenID Provider tests share: a listening Gatehouse with clients registered in the interim store
 * (src/http/oidc/clients.ts), a browser signed in through /api/auth, and the hop from the authorization URL
 * to the client's redirect_uri (which is never served: the test stops before requesting it).
 */
import * as oidc from "openid-client";
import { saveClient } from "../../src/http/oidc/clients.ts";
import { type Browser, createBrowser } from "../helpers/browser.ts";
import { createTestApp, type TestApp, type TestAppOptions } from "../helpers/test-app.ts";

export const REDIRECT_URI = "http://127.0.0.1:1/cb";
export const POST_LOGOUT_URI = "http://127.0.0.1:1/bye";
export const CONFIDENTIAL = {
  id: "confidential-app",
  secret: "confidential-secret-0123456789abcdef",
} as const;
export const PUBLIC = { id: "public-app" } as const;
export const MACHINE = { id: "machine-app", secret: "machine-secret-0123456789abcdef012" } as const;

export async function startProvider(options: TestAppOptions = {}): Promise<TestApp> {
  const gatehouse = await createTestApp(options);
  await gatehouse.listen();
  const db = gatehouse.deps.db;
  await saveClient(db, {
    client_id: CONFIDENTIAL.id,
    client_secret: CONFIDENTIAL.secret,
    client_name: "Confidential App",
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [POST_LOGOUT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_basic",
    first_party: true,
  });
  await saveClient(db, {
    client_id: PUBLIC.id,
    client_name: "Public App",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "none",
    first_party: false,
  });
  await saveClient(db, {
    client_id: MACHINE.id,
    client_secret: MACHINE.secret,
    redirect_uris: [],
    response_types: [],
    grant_types: ["client_credentials"],
    token_endpoint_auth_method: "client_secret_post",
  });
  return gatehouse;
}

/** The relying party's view of the provider, for one client. */
export function discover(gatehouse: TestApp, clientId: string, secret?: string, auth?: oidc.ClientAuth) {
  return oidc.discovery(new URL(gatehouse.baseUrl), clientId, secret, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

export async function signedInBrowser(gatehouse: TestApp, email: string, password: string): Promise<Browser> {
  const browser = createBrowser();
  const response = await browser.fetch(`${gatehouse.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: gatehouse.baseUrl },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return browser;
}

/** Opens the authorization URL and follows redirects until the redirect_uri (or a page that is no redirect). */
export async function authorize(browser: Browser, url: URL) {
  const first = await browser.fetch(url);
  return browser.follow(
    url,
    first,
    (next) => next.href.startsWith(REDIRECT_URI) || next.href.startsWith(POST_LOGOUT_URI),
  );
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export async function pkce(): Promise<Pkce> {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, challenge: await oidc.calculatePKCECodeChallenge(verifier) };
}
