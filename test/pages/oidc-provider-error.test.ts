/**
 * The OpenID Provider's error page (a request that cannot go back to the client) is a hosted page: the layout
 * and brand, the visitor's language, the pages' content security policy, the OAuth `error` code visible and the
 * provider's description only as escaped text.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import * as oidc from "openid-client";
import { providerErrorPage } from "../../src/http/oidc/error-renderer.ts";
import { createPagesSurface } from "../../src/http/pages/index.ts";
import { createLocaleResolver } from "../../src/i18n/request-locale.ts";
import type { TestApp } from "../helpers/test-app.ts";
import { CONFIDENTIAL, discover, pkce, startProvider } from "../oidc/helpers.ts";

let gatehouse: TestApp;
let config: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startProvider();
  config = await discover(gatehouse, CONFIDENTIAL.id, CONFIDENTIAL.secret);
});
afterAll(async () => {
  await gatehouse.close();
});

async function authorizeWith(params: Record<string, string>): Promise<Response> {
  const url = oidc.buildAuthorizationUrl(config, {
    scope: "openid",
    code_challenge: (await pkce()).challenge,
    code_challenge_method: "S256",
    ...params,
  });
  return fetch(url, { redirect: "manual", headers: { accept: "text/html" } });
}

describe("the provider's error page", () => {
  it("renders an unregistered redirect_uri on the pages' layout with the code and the pages' policy", async () => {
    const response = await authorizeWith({ redirect_uri: "https://evil.example/cb" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("content-security-policy")).toContain(
      "default-src 'self'; script-src 'self'; style-src 'self'",
    );
    expect(response.headers.get("set-cookie")).toBeNull();
    const page = await response.text();
    expect(page).toStartWith("<!doctype html>");
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('class="site-header"');
    expect(page).toContain(gatehouse.config.brand.appName);
    expect(page).toContain("<h1>Sign-in could not continue</h1>");
    expect(page).toContain("an address it has not registered");
    expect(page).toContain('<code data-testid="oauth-error">invalid_redirect_uri</code>');
    expect(page).not.toContain("<style>");
    // The refused address is not echoed back into the page (not even in the language switcher).
    expect(page).not.toContain("evil.example");
  });

  it("speaks the language ui_locales asks for", async () => {
    const response = await authorizeWith({ redirect_uri: "https://evil.example/cb", ui_locales: "de" });
    const page = await response.text();
    expect(page).toContain('<html lang="de">');
    expect(page).toContain("Die Anmeldung konnte nicht fortgesetzt werden");
    expect(page).toContain("invalid_redirect_uri");
  });

  it("follows the visitor's Accept-Language for an unknown client", async () => {
    const url = new URL(`${gatehouse.baseUrl}/oidc/auth`);
    url.search = new URLSearchParams({
      client_id: "no-such-client",
      response_type: "code",
      scope: "openid",
      redirect_uri: "https://app.example/cb",
    }).toString();
    const response = await fetch(url, {
      redirect: "manual",
      headers: { accept: "text/html", "accept-language": "ja" },
    });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('<html lang="ja">');
    expect(page).toContain("ここへ案内したアプリケーションは登録されていません。");
    expect(page).toContain("invalid_client");
  });

  it("shows the description as text: markup in it is escaped, never rendered", async () => {
    const { auth, config: appConfig, logger } = gatehouse.deps;
    const localeOf = createLocaleResolver({
      defaultLocale: appConfig.defaultLocale,
      savedLocale: async () => null,
    });
    const { pages } = createPagesSurface({ auth, config: appConfig, localeOf, logger });
    const render = providerErrorPage(pages, appConfig.baseUrl);
    const koa = fakeKoa("/oidc/auth?client_id=x", 400);
    await render(
      // The part of oidc-provider's Koa context the renderer reads.
      koa as unknown as Parameters<typeof render>[0],
      { error: "invalid_request", error_description: '<img src=x onerror="alert(1)">' },
      undefined as never,
    );
    expect(koa.type).toBe("html");
    expect(koa.sent["content-security-policy"]).toContain("default-src 'self'");
    expect(koa.body).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(koa.body).not.toContain("<img src=x");
    expect(koa.body).toContain("The application's sign-in request is not valid.".replace("'", "&#39;"));
  });
});

/** What the renderer uses of a Koa context: the request's URL and headers, the status, the answer. */
function fakeKoa(originalUrl: string, status: number) {
  const sent: Record<string, string> = {};
  return {
    originalUrl,
    status,
    headers: { accept: "text/html" },
    sent,
    type: "",
    body: "",
    set(name: string, value: string) {
      sent[name] = value;
    },
  };
}
