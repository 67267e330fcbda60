/**
 * The tenants' OAuth clients in the admin console, over plain HTTP: a tenant owner registers a client (the
 * secret shown once, and it authenticates at the token endpoint), edits its name and URIs, rotates the secret
 * (the old one stops working) and deletes it — through the same service and Cedar rules as /v1/oauth-clients.
 * Bad input is a form error, never a 500; only platform admins mark a client first-party; an owner of another
 * tenant is refused; a post without the CSRF token changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { CLIENT_IP_HEADER } from "../../src/platform/client-ip.ts";
import { type PageClient, pageClient } from "../helpers/page-forms.ts";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { createTenant, PASSWORD, signUp } from "../helpers/v1.ts";

let t: TestApp;
let ownerA: { id: string; email: string; token: string };
let ownerB: { id: string; email: string; token: string };
let tenantA = "";

beforeAll(async () => {
  t = await createTestApp();
  ownerA = await signUp(t, "Clients Owner Alpha");
  tenantA = await createTenant(t, ownerA.token, "clients-alpha");
  ownerB = await signUp(t, "Clients Owner Bravo");
  await createTenant(t, ownerB.token, "clients-bravo");
});
afterAll(async () => {
  await t?.close();
});

async function signedIn(email: string, password: string): Promise<PageClient> {
  const client = pageClient(t);
  await client.get("/sign-in");
  const response = await client.post("/sign-in", { identifier: email, password });
  expect(response.status).toBe(303);
  return client;
}

const listPath = () => `/admin/tenants/${encodeURIComponent(tenantA)}/oauth-clients`;

async function stored(clientId: string) {
  return t.deps.db.kysely
    .selectFrom("oauth_client")
    .select(["organizationId", "name", "redirectUris", "postLogoutRedirectUris", "firstParty"])
    .where("clientId", "=", clientId)
    .executeTakeFirst();
}

/** The token endpoint's answer to a bogus code: `invalid_client` when the secret is wrong, else `invalid_grant`. */
async function tokenError(clientId: string, secret: string): Promise<string> {
  // A server-side call, as a relying party's back end makes it: no Origin header (t.request adds one).
  const response = await t.app.handle(
    new Request(`${t.config.baseUrl}/oidc/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`,
        "content-type": "application/x-www-form-urlencoded",
        [CLIENT_IP_HEADER]: "127.0.0.1",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: "not-a-code",
        redirect_uri: "https://app.example/cb",
      }).toString(),
    }),
  );
  return String(((await response.json()) as { error?: unknown }).error);
}

async function register(client: PageClient, fields: Record<string, string>) {
  await client.get(listPath());
  const response = await client.post(listPath(), { type: "confidential", ...fields });
  const page = await response.text();
  const id = /data-testid="new-client-id">([^<]+)</.exec(page)?.[1] ?? "";
  const secret = /data-testid="new-secret">([^<]+)</.exec(page)?.[1] ?? "";
  return { response, page, id, secret };
}

describe("/admin/tenants/:tenant/oauth-clients", () => {
  it("registers a client for the tenant and shows its secret once; the secret authenticates", async () => {
    const owner = await signedIn(ownerA.email, PASSWORD);
    const empty = await owner.get(listPath());
    expect(empty.status).toBe(200);
    const emptyPage = await empty.text();
    expect(emptyPage).toContain("This tenant has no OAuth client.");
    expect(emptyPage).toContain('aria-current="page">OAuth clients</a>');
    expect(emptyPage).not.toContain('name="first_party"');

    const { response, page, id, secret } = await register(owner, {
      name: "Shop Front",
      redirect_uris: "https://app.example/cb\nhttps://app.example/cb2",
      post_logout_redirect_uris: "https://app.example/bye",
    });
    expect(response.status).toBe(201);
    expect(page).toContain("shown this once");
    expect(secret.length).toBeGreaterThan(20);
    expect(await stored(id)).toMatchObject({ organizationId: tenantA, name: "Shop Front" });
    expect(JSON.parse(String((await stored(id))?.redirectUris))).toEqual([
      "https://app.example/cb",
      "https://app.example/cb2",
    ]);
    expect(await tokenError(id, secret)).toBe("invalid_grant");
    expect(await tokenError(id, "wrong-secret")).toBe("invalid_client");

    const again = await (await owner.get(listPath())).text();
    expect(again).toContain("Shop Front");
    expect(again).not.toContain(secret);
  });

  it("edits the name and URIs, rotates the secret (old one refused) and deletes the client", async () => {
    const owner = await signedIn(ownerA.email, PASSWORD);
    const { id, secret } = await register(owner, {
      name: "Old Name",
      redirect_uris: "https://old.example/cb",
    });
    const path = `${listPath()}/${encodeURIComponent(id)}`;
    expect((await owner.get(path)).status).toBe(200);
    const saved = await owner.post(path, {
      name: "New Name",
      redirect_uris: "https://new.example/cb",
      post_logout_redirect_uris: "https://new.example/bye",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${path}?saved=1`);
    expect(await (await owner.get(`${path}?saved=1`)).text()).toContain("The client has been saved.");
    const row = await stored(id);
    expect(row?.name).toBe("New Name");
    expect(JSON.parse(String(row?.redirectUris))).toEqual(["https://new.example/cb"]);
    expect(JSON.parse(String(row?.postLogoutRedirectUris))).toEqual(["https://new.example/bye"]);

    const rotated = await owner.post(`${path}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const newSecret = /data-testid="new-secret">([^<]+)</.exec(await rotated.text())?.[1] ?? "";
    expect(newSecret).not.toBe(secret);
    expect(await tokenError(id, secret)).toBe("invalid_client");
    expect(await tokenError(id, newSecret)).toBe("invalid_grant");

    const deleted = await owner.post(`${path}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("location")).toBe(listPath());
    expect(await stored(id)).toBeUndefined();
    expect((await owner.get(path)).status).toBe(404);
  });

  it("answers bad input with the form again and its error, never a 500", async () => {
    const owner = await signedIn(ownerA.email, PASSWORD);
    const badUri = await register(owner, { name: "Bad", redirect_uris: "not a uri" });
    expect(badUri.response.status).toBe(400);
    expect(badUri.page).toContain('role="alert"');
    expect(badUri.page).toContain('value="Bad"');
    const noName = await register(owner, { name: " ", redirect_uris: "https://app.example/cb" });
    expect(noName.response.status).toBe(400);
    expect(noName.page).toContain("field-error");
    const { id } = await register(owner, { name: "Keep", redirect_uris: "https://keep.example/cb" });
    const path = `${listPath()}/${encodeURIComponent(id)}`;
    await owner.get(path);
    const badEdit = await owner.post(path, { name: "Keep", redirect_uris: "javascript:alert(1)" });
    expect(badEdit.status).toBe(400);
    expect(await badEdit.text()).toContain('role="alert"');
    expect(JSON.parse(String((await stored(id))?.redirectUris))).toEqual(["https://keep.example/cb"]);
    expect((await owner.get(`${listPath()}/no-such-client`)).status).toBe(404);
  });

  it("lets only a platform admin mark a client first-party", async () => {
    const owner = await signedIn(ownerA.email, PASSWORD);
    const forged = await register(owner, {
      name: "Sneaky",
      redirect_uris: "https://app.example/cb",
      first_party: "yes",
    });
    expect(forged.response.status).toBe(403);
    expect(forged.page).toContain('role="alert"');
    const admin = await signedIn(ADMIN.email, ADMIN.password);
    expect(await (await admin.get(listPath())).text()).toContain('name="first_party"');
    const marked = await register(admin, {
      name: "Our Own App",
      redirect_uris: "https://own.example/cb",
      first_party: "yes",
    });
    expect(marked.response.status).toBe(201);
    const row = await stored(marked.id);
    expect(row?.firstParty === true || row?.firstParty === 1).toBe(true);
  });

  it("refuses an owner of another tenant, and a post without the CSRF token", async () => {
    const owner = await signedIn(ownerA.email, PASSWORD);
    const { id } = await register(owner, { name: "Private", redirect_uris: "https://private.example/cb" });
    const other = await signedIn(ownerB.email, PASSWORD);
    expect((await other.get(listPath())).status).toBe(403);
    await other.get("/admin");
    const intrusion = await other.post(`${listPath()}/${encodeURIComponent(id)}/delete`, {});
    expect(intrusion.status).toBe(403);
    const forged = await owner.post(`${listPath()}/${encodeURIComponent(id)}/delete`, { csrf: "forged" });
    expect(forged.status).toBe(403);
    expect(await stored(id)).toMatchObject({ name: "Private" });
  });
});
