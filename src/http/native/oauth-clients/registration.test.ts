/**
 * Dynamic client registration (RFC 7591) at POST /v1/oauth-clients/register: the initial access token or a
 * platform admin registers a client in a tenant; every other caller is refused with RFC 6750's error, and bad
 * metadata with RFC 7591's (`invalid_redirect_uri`, `invalid_client_metadata`), creating nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import { type Caller, call, createTenant, defaultTenantId, signUp } from "../../../../test/helpers/v1.ts";
import { ConfigError, loadConfig } from "../../../config.ts";
import { createV1Services, type V1Services } from "../../services.ts";
import { REGISTRATION_PATH } from "./registration.ts";

const REGISTRATION_TOKEN = "initial-access-token-of-at-least-32-chars";

interface Registered {
  client_id: string;
  client_secret?: string;
  client_secret_expires_at?: number;
  client_id_issued_at: number;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  tenant_id: string;
  error?: string;
  error_description?: string;
}

let t: TestApp;
let v1: V1Services;
let owner: Caller;
let plainUser: Caller;

const metadata = {
  client_name: "Registered app",
  redirect_uris: ["https://rp.example/callback"],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  scope: "openid profile email offline_access",
};

async function clientCount(): Promise<number> {
  const rows = await t.deps.db.kysely.selectFrom("oauth_client").select("clientId").execute();
  return rows.length;
}

beforeAll(async () => {
  t = await createTestApp({ env: { OIDC_REGISTRATION_TOKEN: REGISTRATION_TOKEN } });
  v1 = createV1Services(t.deps);
  const user = await signUp(t, "Tenant Owner");
  owner = { token: user.token, tenant: await createTenant(t, user.token, "registered") };
  plainUser = { token: (await signUp(t, "Plain")).token };
});
afterAll(() => t.close());

describe(`POST ${REGISTRATION_PATH}`, () => {
  it("registers a confidential client in `default` with the initial access token (201, secret once)", async () => {
    const answer = await call<Registered>(
      t,
      "POST",
      REGISTRATION_PATH,
      { token: REGISTRATION_TOKEN },
      metadata,
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      client_name: "Registered app",
      redirect_uris: ["https://rp.example/callback"],
      token_endpoint_auth_method: "client_secret_basic",
      response_types: ["code"],
      scope: "openid profile email offline_access",
      client_secret_expires_at: 0,
      tenant_id: await defaultTenantId(t),
    });
    expect(answer.body.client_id_issued_at).toBeGreaterThan(0);
    expect((await v1.oauthClients.findForProvider(answer.body.client_id))?.client_secret).toBe(
      String(answer.body.client_secret),
    );
  });

  it("registers in the tenant named by tenant_id (slug or id), where its admins then manage it", async () => {
    const slug = (await t.deps.db.kysely
      .selectFrom("organization")
      .select("slug")
      .where("id", "=", String(owner.tenant))
      .executeTakeFirstOrThrow()) as { slug: string };
    const answer = await call<Registered>(
      t,
      "POST",
      REGISTRATION_PATH,
      { token: REGISTRATION_TOKEN },
      {
        ...metadata,
        tenant_id: slug.slug,
      },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.tenant_id).toBe(String(owner.tenant));
    const list = await call<{ data: { client_id: string }[] }>(t, "GET", "/v1/oauth-clients", owner);
    expect(list.body.data.map((c) => c.client_id)).toContain(answer.body.client_id);
  });

  it("lets a platform admin register a public client (method none, no secret)", async () => {
    const admin = await t.signIn(ADMIN.email, ADMIN.password);
    const answer = await call<Registered>(
      t,
      "POST",
      REGISTRATION_PATH,
      { token: admin },
      {
        redirect_uris: ["com.example.app:/oauth"],
        token_endpoint_auth_method: "none",
      },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.token_endpoint_auth_method).toBe("none");
    expect(answer.body).not.toHaveProperty("client_secret");
  });

  it.each([
    ["no credential", {}, 401, "invalid_token"],
    ["a wrong initial access token", { token: "x".repeat(40) }, 401, "invalid_token"],
    ["a signed-in user who is no platform admin", "plain", 403, "insufficient_scope"],
  ] as const)("refuses %s with RFC 6750's error and creates nothing", async (_, who, status, error) => {
    const before = await clientCount();
    const caller: Caller = who === "plain" ? plainUser : who;
    const response = await t.request(REGISTRATION_PATH, {
      method: "POST",
      ...(caller.token ? { token: caller.token } : {}),
      json: metadata,
    });
    expect(response.status).toBe(status);
    expect(response.headers.get("www-authenticate")).toBe(`Bearer error="${error}"`);
    expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
    expect(await clientCount()).toBe(before);
  });

  it.each([
    [
      "an http redirect URI off loopback",
      { redirect_uris: ["http://rp.example/cb"] },
      "invalid_redirect_uri",
    ],
    [
      "a redirect URI with a fragment",
      { redirect_uris: ["https://rp.example/cb#x"] },
      "invalid_redirect_uri",
    ],
    ["redirect_uris that are no list", { redirect_uris: "https://rp.example/cb" }, "invalid_redirect_uri"],
    [
      "a post-logout URI that is not absolute",
      { post_logout_redirect_uris: ["/bye"] },
      "invalid_redirect_uri",
    ],
    ["the implicit response type", { response_types: ["token"] }, "invalid_client_metadata"],
    ["an unknown grant type", { grant_types: ["password"] }, "invalid_client_metadata"],
    ["an unknown scope", { scope: "openid admin" }, "invalid_client_metadata"],
    ["an unknown auth method", { token_endpoint_auth_method: "tls_client_auth" }, "invalid_client_metadata"],
    ["an unknown tenant", { tenant_id: "no-such-tenant" }, "invalid_client_metadata"],
    ["a client name that is no string", { client_name: 42 }, "invalid_client_metadata"],
  ])("answers 400 for %s with RFC 7591's error, creating nothing", async (_, change, error) => {
    const before = await clientCount();
    const answer = await call(
      t,
      "POST",
      REGISTRATION_PATH,
      { token: REGISTRATION_TOKEN },
      {
        ...metadata,
        ...change,
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error, error_description: expect.any(String) });
    expect(await clientCount()).toBe(before);
  });
});

describe("OIDC_REGISTRATION_TOKEN", () => {
  it("refuses a token shorter than 32 characters at start-up", () => {
    expect(() =>
      loadConfig({ OIDC_REGISTRATION_TOKEN: "short", AUTH_SECRET: "a".repeat(40) }, () => {}),
    ).toThrow(ConfigError);
  });
});
