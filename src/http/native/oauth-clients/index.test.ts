/**
 * /v1/oauth-clients through HTTP: the secret is in the creation and rotation answers only, each tenant sees
 * and changes its own clients only, and bad input is refused in the native error shape. The store's rules in
 * detail: src/identity/oauth-clients/service.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../../test/helpers/test-app.ts";
import {
  addUser,
  type Caller,
  call,
  createApiKey,
  createTenant,
  signUp,
} from "../../../../test/helpers/v1.ts";
import { createV1Services, type V1Services } from "../../services.ts";

interface ClientJson {
  client_id: string;
  name: string;
  type: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  scopes: string[];
  token_endpoint_auth_method: string;
  first_party: boolean;
  has_secret: boolean;
  client_secret?: string | null;
}

let t: TestApp;
let v1: V1Services;
let ownerA: Caller;
let ownerB: Caller;
let memberA: Caller;

const webClient = {
  name: "Web app",
  type: "confidential",
  redirect_uris: ["https://app.example/callback"],
  post_logout_redirect_uris: ["https://app.example/"],
};

async function create(by: Caller, body: Record<string, unknown> = webClient) {
  const created = await call<ClientJson>(t, "POST", "/v1/oauth-clients", by, body);
  if (created.status !== 201) throw new Error(`POST /v1/oauth-clients: ${JSON.stringify(created.body)}`);
  return created.body;
}

beforeAll(async () => {
  t = await createTestApp();
  v1 = createV1Services(t.deps);
  const a = await signUp(t, "Owner A");
  const b = await signUp(t, "Owner B");
  ownerA = { token: a.token, tenant: await createTenant(t, a.token, "rp-a") };
  ownerB = { token: b.token, tenant: await createTenant(t, b.token, "rp-b") };
  memberA = { token: (await addUser(t, ownerA, ["user"])).token, tenant: ownerA.tenant };
});
afterAll(() => t.close());

describe("POST /v1/oauth-clients", () => {
  it("returns 201 with the secret once; GET and the list never show it", async () => {
    const created = await create(ownerA);
    expect(created).toMatchObject({
      name: "Web app",
      type: "confidential",
      token_endpoint_auth_method: "client_secret_basic",
      has_secret: true,
      first_party: false,
    });
    expect(created.client_secret).toStartWith("ghcs_");
    const read = await call<ClientJson>(t, "GET", `/v1/oauth-clients/${created.client_id}`, ownerA);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty("client_secret");
    const list = await call<{ data: ClientJson[] }>(t, "GET", "/v1/oauth-clients", ownerA);
    expect(list.status).toBe(200);
    expect(list.body.data.map((c) => c.client_id)).toContain(created.client_id);
    expect(JSON.stringify(list.body)).not.toContain(String(created.client_secret));
    expect((await v1.oauthClients.findForProvider(created.client_id))?.client_secret).toBe(
      String(created.client_secret),
    );
  });

  it("creates a public client with PKCE only: no secret, method none", async () => {
    const created = await create(ownerA, {
      name: "SPA",
      type: "public",
      redirect_uris: ["http://localhost:5173/callback"],
    });
    expect(created).toMatchObject({
      client_secret: null,
      has_secret: false,
      token_endpoint_auth_method: "none",
    });
  });

  it.each([
    [
      "a redirect URI over plain http",
      { ...webClient, redirect_uris: ["http://app.example/cb"] },
      "redirect_uris",
    ],
    [
      "a redirect URI with a fragment",
      { ...webClient, redirect_uris: ["https://app.example/cb#f"] },
      "redirect_uris",
    ],
    [
      "a post-logout URI that is not absolute",
      { ...webClient, post_logout_redirect_uris: ["/bye"] },
      "post_logout_redirect_uris",
    ],
    [
      "a public client with a secret method",
      { ...webClient, type: "public", token_endpoint_auth_method: "client_secret_post" },
      "token_endpoint_auth_method",
    ],
    ["the code flow without a redirect URI", { name: "x", type: "confidential" }, "redirect_uris"],
  ])("returns 400 invalid_request for %s, naming the field", async (_, body, field) => {
    const refused = await call(t, "POST", "/v1/oauth-clients", ownerA, body);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: "invalid_request",
      error: "invalid_request",
      details: { field },
    });
    expect(typeof refused.body.message).toBe("string");
  });

  it.each([
    ["an unknown scope", { ...webClient, scopes: ["openid", "admin"] }],
    ["an unknown type", { ...webClient, type: "trusted" }],
    ["no name", { type: "public", redirect_uris: ["https://a.example/cb"] }],
    ["a string where a list belongs", { ...webClient, redirect_uris: "https://app.example/cb" }],
  ])("refuses %s in the native error shape (schema validation)", async (_, body) => {
    const refused = await call(t, "POST", "/v1/oauth-clients", ownerA, body);
    expect([400, 422]).toContain(refused.status);
    expect(refused.body).toMatchObject({ code: expect.any(String), error: expect.any(String) });
    expect(typeof refused.body.message).toBe("string");
  });

  it("returns 401 without a credential and 403 for a plain member, and creates nothing", async () => {
    const before = (await v1.oauthClients.list(await v1.resolveContext(headersOf(ownerA)))).length;
    expect((await call(t, "POST", "/v1/oauth-clients", {}, webClient)).status).toBe(401);
    const forbidden = await call(t, "POST", "/v1/oauth-clients", memberA, webClient);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("forbidden");
    expect((await v1.oauthClients.list(await v1.resolveContext(headersOf(ownerA)))).length).toBe(before);
  });

  it("returns 403 when a tenant owner marks a client first-party (a platform administrator's decision)", async () => {
    const refused = await call(t, "POST", "/v1/oauth-clients", ownerA, { ...webClient, first_party: true });
    expect(refused.status).toBe(403);
    expect(refused.body.notices?.[0]).toContain("first-party");
  });

  it("accepts an admin API key of the tenant", async () => {
    const key = await createApiKey(t, ownerA, ["admin"]);
    const created = await call<ClientJson>(t, "POST", "/v1/oauth-clients", { apiKey: key.key }, webClient);
    expect(created.status).toBe(201);
  });
});

function headersOf(caller: Caller): Headers {
  return new Headers({ authorization: `Bearer ${caller.token}`, "x-tenant-id": String(caller.tenant) });
}

describe("/v1/oauth-clients/{id} across tenants", () => {
  it("lists only the tenant's clients, and answers 404 to another tenant for read, change, rotate and delete", async () => {
    const mine = await create(ownerA);
    const list = await call<{ data: ClientJson[] }>(t, "GET", "/v1/oauth-clients", ownerB);
    expect(list.body.data.map((c) => c.client_id)).not.toContain(mine.client_id);
    const path = `/v1/oauth-clients/${mine.client_id}`;
    for (const [method, url, body] of [
      ["GET", path, undefined],
      ["PATCH", path, { redirect_uris: ["https://evil.example/cb"] }],
      ["POST", `${path}/rotate-secret`, undefined],
      ["DELETE", path, undefined],
    ] as const) {
      const refused = await call(t, method, url, ownerB, body);
      expect({ method, status: refused.status, code: refused.body.code }).toEqual({
        method,
        status: 404,
        code: "not_found",
      });
    }
    const provider = await v1.oauthClients.findForProvider(mine.client_id);
    expect(provider?.redirect_uris).toEqual(["https://app.example/callback"]);
    expect(provider?.client_secret).toBe(String(mine.client_secret));
  });

  it("returns 403 tenant_mismatch when tenant B's owner names tenant A", async () => {
    const mine = await create(ownerA);
    const refused = await call(t, "GET", `/v1/oauth-clients/${mine.client_id}`, {
      token: ownerB.token,
      tenant: ownerA.tenant,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("tenant_mismatch");
  });
});

describe("PATCH, rotate-secret and DELETE /v1/oauth-clients/{id}", () => {
  it("replaces the redirect URIs, which the provider then reads", async () => {
    const mine = await create(ownerA);
    const changed = await call<ClientJson>(t, "PATCH", `/v1/oauth-clients/${mine.client_id}`, ownerA, {
      redirect_uris: ["https://app.example/v2/callback", "http://127.0.0.1:8080/cb"],
      name: "Web app v2",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: "Web app v2",
      redirect_uris: ["https://app.example/v2/callback", "http://127.0.0.1:8080/cb"],
    });
    expect((await v1.oauthClients.findForProvider(mine.client_id))?.redirect_uris).toEqual([
      "https://app.example/v2/callback",
      "http://127.0.0.1:8080/cb",
    ]);
    const refused = await call(t, "PATCH", `/v1/oauth-clients/${mine.client_id}`, ownerA, {
      redirect_uris: ["https://app.example/cb#frag"],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toMatchObject({ field: "redirect_uris" });
  });

  it("rotates the secret: the new one is shown once, the old one no longer matches", async () => {
    const mine = await create(ownerA);
    const rotated = await call<ClientJson>(
      t,
      "POST",
      `/v1/oauth-clients/${mine.client_id}/rotate-secret`,
      ownerA,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).toStartWith("ghcs_");
    expect(rotated.body.client_secret).not.toBe(mine.client_secret);
    const provider = await v1.oauthClients.findForProvider(mine.client_id);
    expect(provider?.client_secret).toBe(String(rotated.body.client_secret));
    expect(provider?.client_secret).not.toBe(String(mine.client_secret));
    expect(await v1.oauthClients.verifySecret(mine.client_id, String(mine.client_secret))).toBe(false);
  });

  it("returns 400 when rotating the secret of a public client (it has none)", async () => {
    const spa = await create(ownerA, {
      name: "SPA",
      type: "public",
      redirect_uris: ["https://spa.example/cb"],
    });
    const refused = await call(t, "POST", `/v1/oauth-clients/${spa.client_id}/rotate-secret`, ownerA);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("invalid_request");
  });

  it("deletes: 204, then 404, and the provider no longer finds it", async () => {
    const mine = await create(ownerA);
    const path = `/v1/oauth-clients/${mine.client_id}`;
    expect((await call(t, "DELETE", path, ownerA)).status).toBe(204);
    expect((await call(t, "GET", path, ownerA)).status).toBe(404);
    expect((await call(t, "DELETE", path, ownerA)).status).toBe(404);
    expect(await v1.oauthClients.findForProvider(mine.client_id)).toBeUndefined();
  });

  it("returns 404 for an unknown id and 400 for an overlong one", async () => {
    expect((await call(t, "GET", "/v1/oauth-clients/nope", ownerA)).status).toBe(404);
    const long = await call(t, "GET", `/v1/oauth-clients/${"x".repeat(300)}`, ownerA);
    expect([400, 422]).toContain(long.status);
    expect(long.body.code).toEqual(expect.any(String));
  });
});
