/**
 * The OAuth client store's own rules, called directly with an explicit caller: secrets shown once and stored
 * encrypted, the redirect URI rules, tenant isolation, who may mark a client first-party, and the metadata the
 * OpenID Provider reads. The same through HTTP: src/http/native/oauth-clients/index.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { addUser, createTenant, signUp } from "../../../test/helpers/v1.ts";
import { createV1Services, type V1Services } from "../../http/services.ts";
import type { V1Context } from "../context.ts";
import { createOAuthClientService } from "./service.ts";

let t: TestApp;
let v1: V1Services;
let ownerA: V1Context;
let ownerB: V1Context;
let memberA: V1Context;
let platformAdmin: V1Context;

async function contextOf(token: string, tenantId: string): Promise<V1Context> {
  return v1.resolveContext(new Headers({ authorization: `Bearer ${token}`, "x-tenant-id": tenantId }));
}

const web = {
  name: "Web app",
  type: "confidential",
  redirectUris: ["https://app.example/callback"],
} as const;

/** The code of the error `promise` rejects with, with the field it names. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ code?: string; field?: unknown; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; status?: number; details?: { field?: unknown } };
    return { code: e.code, field: e.details?.field, status: e.status };
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  t = await createTestApp();
  v1 = createV1Services(t.deps);
  const a = await signUp(t, "Owner A");
  const b = await signUp(t, "Owner B");
  const tenantA = await createTenant(t, a.token, "clients-a");
  const tenantB = await createTenant(t, b.token, "clients-b");
  ownerA = await contextOf(a.token, tenantA);
  ownerB = await contextOf(b.token, tenantB);
  const member = await addUser(t, { token: a.token, tenant: tenantA }, ["user"]);
  memberA = await contextOf(member.token, tenantA);
  platformAdmin = await contextOf(await t.signIn(ADMIN.email, ADMIN.password), tenantA);
});
afterAll(() => t.close());

describe("OAuth client service", () => {
  it("creates a confidential client whose secret is shown once and stored only encrypted", async () => {
    const { client, secret } = await v1.oauthClients.create(ownerA, web);
    expect(secret).toStartWith("ghcs_");
    expect(client).toMatchObject({
      tenantId: ownerA.tenant.id,
      type: "confidential",
      tokenEndpointAuthMethod: "client_secret_basic",
      grantTypes: ["authorization_code", "refresh_token"],
      scopes: ["openid", "profile", "email", "offline_access"],
      firstParty: false,
      hasSecret: true,
    });
    expect(JSON.stringify(await v1.oauthClients.get(ownerA, client.id))).not.toContain(String(secret));
    const row = await t.deps.db.kysely
      .selectFrom("oauth_client")
      .selectAll()
      .where("clientId", "=", client.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(String(secret).slice(5));
    expect(await v1.oauthClients.verifySecret(client.id, String(secret))).toBe(true);
    expect(await v1.oauthClients.verifySecret(client.id, `${secret}x`)).toBe(false);
  });

  it("gives the provider the client's metadata with the decrypted secret and the tenant", async () => {
    const { client, secret } = await v1.oauthClients.create(ownerA, {
      ...web,
      postLogoutRedirectUris: ["https://app.example/bye"],
      scopes: ["openid", "tenant"],
    });
    expect(await v1.oauthClients.findForProvider(client.id)).toEqual({
      client_id: client.id,
      client_secret: String(secret),
      client_name: "Web app",
      redirect_uris: ["https://app.example/callback"],
      post_logout_redirect_uris: ["https://app.example/bye"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      scope: "openid tenant",
      token_endpoint_auth_method: "client_secret_basic",
      application_type: "web",
      tenant_id: ownerA.tenant.id,
      first_party: false,
    });
    expect(await v1.oauthClients.findForProvider("no-such-client")).toBeUndefined();
  });

  it("rotates a secret: the new one matches, the old one no longer does", async () => {
    const { client, secret: old } = await v1.oauthClients.create(ownerA, web);
    const { secret } = await v1.oauthClients.rotateSecret(ownerA, client.id);
    expect(secret).not.toBe(old);
    expect((await v1.oauthClients.findForProvider(client.id))?.client_secret).toBe(String(secret));
    expect(await v1.oauthClients.verifySecret(client.id, String(old))).toBe(false);
    expect(await v1.oauthClients.verifySecret(client.id, String(secret))).toBe(true);
  });

  it("makes public clients without a secret, authenticating with none, and refuses them client_credentials", async () => {
    const { client, secret } = await v1.oauthClients.create(ownerA, {
      name: "SPA",
      type: "public",
      redirectUris: ["http://127.0.0.1:5173/cb", "com.example.app:/oauth"],
    });
    expect(secret).toBeNull();
    const metadata = await v1.oauthClients.findForProvider(client.id);
    expect(metadata?.token_endpoint_auth_method).toBe("none");
    expect(metadata?.application_type).toBe("native");
    expect(metadata && "client_secret" in metadata).toBe(false);
    expect(await refusal(v1.oauthClients.rotateSecret(ownerA, client.id))).toMatchObject({ status: 400 });
    expect(
      await refusal(
        v1.oauthClients.create(ownerA, { ...web, type: "public", grantTypes: ["client_credentials"] }),
      ),
    ).toEqual({ code: "invalid_request", field: "grant_types", status: 400 });
  });

  it("makes a machine client with client_credentials alone and no redirect URI", async () => {
    const { client } = await v1.oauthClients.create(ownerA, {
      name: "Worker",
      type: "confidential",
      grantTypes: ["client_credentials"],
    });
    const metadata = await v1.oauthClients.findForProvider(client.id);
    expect(metadata).toMatchObject({
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
    });
  });

  it.each([
    ["http on a host that is not loopback", "http://app.example/cb"],
    ["a fragment", "https://app.example/cb#x"],
    ["a relative URI", "/callback"],
    ["javascript:", "javascript:alert(1)"],
    ["a scheme that is not reverse-domain", "myapp:/cb"],
    ["credentials", "https://user:pw@app.example/cb"],
    ["a wildcard", "https://*.app.example/cb"],
  ])("refuses a redirect URI with %s", async (_, uri) => {
    expect(await refusal(v1.oauthClients.create(ownerA, { ...web, redirectUris: [uri] }))).toEqual({
      code: "invalid_request",
      field: "redirect_uris",
      status: 400,
    });
  });

  it("accepts https, loopback http (localhost, 127.0.0.1, [::1]) and reverse-domain schemes", async () => {
    const uris = [
      "https://app.example/cb?x=1",
      "http://localhost:3000/cb",
      "http://127.0.0.1:8080/cb",
      "http://[::1]:8080/cb",
    ];
    const { client } = await v1.oauthClients.create(ownerA, { ...web, redirectUris: uris });
    expect(client.redirectUris).toEqual(uris);
  });

  it("takes private_key_jwt with public keys only", async () => {
    const jwk = {
      kty: "EC",
      crv: "P-256",
      x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
      y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    };
    const { client, secret } = await v1.oauthClients.create(ownerA, {
      ...web,
      tokenEndpointAuthMethod: "private_key_jwt",
      jwks: { keys: [jwk] },
    });
    expect(secret).toBeNull();
    expect((await v1.oauthClients.findForProvider(client.id))?.jwks).toEqual({ keys: [jwk] });
    const withPrivate = { keys: [{ ...jwk, d: "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI" }] };
    expect(
      await refusal(
        v1.oauthClients.create(ownerA, {
          ...web,
          tokenEndpointAuthMethod: "private_key_jwt",
          jwks: withPrivate,
        }),
      ),
    ).toMatchObject({ field: "jwks", status: 400 });
    expect(
      await refusal(v1.oauthClients.create(ownerA, { ...web, tokenEndpointAuthMethod: "private_key_jwt" })),
    ).toMatchObject({ field: "jwks", status: 400 });
  });

  it("keeps each tenant's clients to itself: another tenant's owner neither lists, reads, changes nor deletes them", async () => {
    const { client } = await v1.oauthClients.create(ownerA, web);
    expect((await v1.oauthClients.list(ownerB)).map((c) => c.id)).not.toContain(client.id);
    expect((await v1.oauthClients.list(ownerA)).map((c) => c.id)).toContain(client.id);
    // One at a time: started together, the refusals not yet awaited would reject unhandled.
    for (const attempt of [
      () => v1.oauthClients.get(ownerB, client.id),
      () => v1.oauthClients.update(ownerB, client.id, { name: "Taken" }),
      () => v1.oauthClients.rotateSecret(ownerB, client.id),
      () => v1.oauthClients.delete(ownerB, client.id),
    ]) {
      expect(await refusal(attempt())).toMatchObject({ code: "not_found", status: 404 });
    }
    expect((await v1.oauthClients.get(ownerA, client.id)).name).toBe("Web app");
  });

  it("lets only tenant admins manage clients, and only platform admins mark one first-party", async () => {
    expect(await refusal(v1.oauthClients.list(memberA))).toMatchObject({ code: "forbidden" });
    expect(await refusal(v1.oauthClients.create(ownerA, { ...web, firstParty: true }))).toMatchObject({
      code: "forbidden",
    });
    const { client } = await v1.oauthClients.create(ownerA, web);
    expect(await refusal(v1.oauthClients.update(ownerA, client.id, { firstParty: true }))).toMatchObject({
      code: "forbidden",
    });
    const marked = await v1.oauthClients.update(platformAdmin, client.id, { firstParty: true });
    expect(marked.firstParty).toBe(true);
    expect((await v1.oauthClients.findForProvider(client.id))?.first_party).toBe(true);
    // The owner may still rename it, and clear the mark.
    await v1.oauthClients.update(ownerA, client.id, { name: "Renamed" });
    expect((await v1.oauthClients.update(ownerA, client.id, { firstParty: false })).firstParty).toBe(false);
  });

  it("updates redirect URIs with the same rules, and deletes", async () => {
    const { client } = await v1.oauthClients.create(ownerA, web);
    const updated = await v1.oauthClients.update(ownerA, client.id, {
      redirectUris: ["https://new.example/cb"],
    });
    expect(updated.redirectUris).toEqual(["https://new.example/cb"]);
    expect((await v1.oauthClients.findForProvider(client.id))?.redirect_uris).toEqual([
      "https://new.example/cb",
    ]);
    expect(
      await refusal(v1.oauthClients.update(ownerA, client.id, { redirectUris: ["http://evil.example/cb"] })),
    ).toMatchObject({ field: "redirect_uris" });
    expect(await refusal(v1.oauthClients.update(ownerA, client.id, { redirectUris: [] }))).toMatchObject({
      field: "redirect_uris",
    });
    await v1.oauthClients.delete(ownerA, client.id);
    expect(await v1.oauthClients.findForProvider(client.id)).toBeUndefined();
  });

  it("gives no secret to the provider once AUTH_SECRET has changed (it cannot decrypt the old one)", async () => {
    const { client } = await v1.oauthClients.create(ownerA, web);
    const other = createOAuthClientService({
      db: t.deps.db,
      authorize: async () => {},
      record: async () => {},
      authSecret: "another-secret-of-at-least-32-characters",
    });
    const metadata = await other.findForProvider(client.id);
    expect(metadata?.client_id).toBe(client.id);
    expect(metadata && "client_secret" in metadata).toBe(false);
  });
});
