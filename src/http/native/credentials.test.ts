/**
 * Every credential the /v1 API accepts, resolved into one Principal: the session cookie, a Bearer session token,
 * a Bearer JWT from /api/auth/token, and a tenant-bound X-API-Key — and the ways each stops working (tampered or
 * expired JWT, revoked or expired key, banned user).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import {
  addUser,
  type Caller,
  call,
  createApiKey,
  createTenant,
  type ErrorJson,
  freshEmail,
  PASSWORD,
  signUp,
  type UserJson,
} from "../../../test/helpers/v1.ts";

let t: TestApp;
let adminToken = "";
let tenantA = "";
let tenantB = "";
let owner: { id: string; email: string; token: string };
let asOwner: Caller;

beforeAll(async () => {
  t = await createTestApp();
  adminToken = await t.signIn(ADMIN.email, ADMIN.password);
  owner = await signUp(t, "Cred Owner");
  tenantA = await createTenant(t, owner.token, "cred-a");
  asOwner = { token: owner.token, tenant: tenantA };
  const other = await signUp(t, "Other Owner");
  tenantB = await createTenant(t, other.token, "cred-b");
});

afterAll(async () => {
  await t?.close();
});

function expectUnauthenticated(answer: { status: number; body: unknown }) {
  expect(answer.status).toBe(401);
  expect((answer.body as ErrorJson).code).toBe("unauthenticated");
}

async function jwtFor(sessionToken: string): Promise<string> {
  const response = await t.request("/api/auth/token", { token: sessionToken });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) throw new Error(`/api/auth/token: ${JSON.stringify(body)}`);
  return body.token;
}

describe("session credentials", () => {
  it("accepts the session cookie set by sign-in", async () => {
    const response = await t.request("/api/auth/sign-in/email", {
      json: { email: owner.email, password: PASSWORD },
    });
    expect(response.status).toBe(200);
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect(cookie).toContain("session_token=");
    const answer = await call<UserJson>(t, "GET", `/v1/users/${owner.id}`, { cookie, tenant: tenantA });
    expect(answer.status).toBe(200);
    expect(answer.body.email).toBe(owner.email);
    expectUnauthenticated(
      await call(t, "GET", `/v1/users/${owner.id}`, {
        cookie: "gatehouse.session_token=forged",
        tenant: tenantA,
      }),
    );
  });

  it("accepts a Bearer session token, and refuses it once the session is signed out", async () => {
    const token = await t.signIn(owner.email, PASSWORD);
    expect((await call(t, "GET", "/v1/users", { token, tenant: tenantA })).status).toBe(200);
    const out = await t.request("/api/auth/sign-out", { method: "POST", token, json: {} });
    expect(out.status).toBe(200);
    expectUnauthenticated(await call(t, "GET", "/v1/users", { token, tenant: tenantA }));
  });
});

describe("Bearer JWT from /api/auth/token", () => {
  it("is accepted for the user it names", async () => {
    const jwt = await jwtFor(owner.token);
    expect(jwt.split(".")).toHaveLength(3);
    const answer = await call<{ data: UserJson[] }>(t, "GET", "/v1/users", { token: jwt, tenant: tenantA });
    expect(answer.status).toBe(200);
    expect(answer.body.data.map((u) => u.id)).toContain(owner.id);
    const created = await call<UserJson>(
      t,
      "POST",
      "/v1/users",
      { token: jwt, tenant: tenantA },
      { email: freshEmail("by-jwt"), name: "By JWT", password: PASSWORD, roles: ["user"] },
    );
    expect(created.status).toBe(201);
  });

  it("is refused (401) when tampered with", async () => {
    const jwt = await jwtFor(owner.token);
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: crypto.randomUUID() })).toString(
      "base64url",
    );
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    for (const token of [`${header}.${forgedPayload}.${signature}`, `${header}.${payload}.${flipped}`]) {
      expectUnauthenticated(await call(t, "GET", "/v1/users", { token, tenant: tenantA }));
    }
  });

  it("is refused (401) when expired or meant for another audience, though signed by Gatehouse's key", async () => {
    const now = Math.floor(Date.now() / 1000);
    // Each with a live session's `sid` (src/auth/jwt-session.ts), so that only exp or aud can refuse them.
    const session = await t.deps.db.kysely
      .selectFrom("session")
      .select("id")
      .where("token", "=", owner.token)
      .executeTakeFirstOrThrow();
    const sid = session.id;
    const expired = await t.deps.auth.api.signJWT({
      body: { payload: { sub: owner.id, sid, iat: now - 3600, exp: now - 60 } },
    });
    expectUnauthenticated(await call(t, "GET", "/v1/users", { token: expired.token, tenant: tenantA }));
    const elsewhere = await t.deps.auth.api.signJWT({
      body: { payload: { sub: owner.id, sid, aud: "https://elsewhere.example" } },
    });
    expectUnauthenticated(await call(t, "GET", "/v1/users", { token: elsewhere.token, tenant: tenantA }));
    // The same signing path with the right claims works, so the refusals above are about exp and aud.
    const fresh = await t.deps.auth.api.signJWT({ body: { payload: { sub: owner.id, sid } } });
    expect((await call(t, "GET", "/v1/users", { token: fresh.token, tenant: tenantA })).status).toBe(200);
  });
});

describe("banned users", () => {
  it("refuses a banned user's session token and JWT at once", async () => {
    const user = await addUser(t, asOwner, ["admin"], "To Be Banned");
    const jwt = await jwtFor(user.token);
    expect((await call(t, "GET", "/v1/users", { token: user.token, tenant: tenantA })).status).toBe(200);
    expect((await call(t, "GET", "/v1/users", { token: jwt, tenant: tenantA })).status).toBe(200);
    const ban = await t.request("/api/auth/admin/ban-user", { token: adminToken, json: { userId: user.id } });
    expect(ban.status).toBe(200);
    expectUnauthenticated(await call(t, "GET", "/v1/users", { token: user.token, tenant: tenantA }));
    expectUnauthenticated(await call(t, "GET", "/v1/users", { token: jwt, tenant: tenantA }));
  });
});

describe("X-API-Key", () => {
  it("is shown once, stored hashed, and acts with its roles in its tenant", async () => {
    const created = await call<{ id: string; key: string; prefix: string; roles: string[] }>(
      t,
      "POST",
      "/v1/api-keys",
      asOwner,
      { name: "ci", roles: ["admin"] },
    );
    expect(created.status).toBe(201);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    expect(created.body.roles).toEqual(["admin"]);
    const listed = await call<{ data: Record<string, unknown>[] }>(t, "GET", "/v1/api-keys", asOwner);
    const entry = listed.body.data.find((k) => k.id === created.body.id);
    expect(entry).toBeDefined();
    expect(Object.keys(entry ?? {})).not.toContain("key");
    const row = await t.deps.db.kysely
      .selectFrom("api_key")
      .selectAll()
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.body.key);

    const asKey = { apiKey: created.body.key };
    const user = await call<UserJson>(t, "POST", "/v1/users", asKey, {
      email: freshEmail("by-key"),
      name: "By Key",
      password: PASSWORD,
      roles: ["user"],
    });
    expect(user.status).toBe(201);
    const members = await t.deps.db.kysely
      .selectFrom("member")
      .select("organizationId")
      .where("userId", "=", user.body.id)
      .execute();
    // The key's tenant, plus `default`, which every account joins (issue #9).
    const defaultTenant = await t.deps.db.kysely
      .selectFrom("organization")
      .select("id")
      .where("slug", "=", "default")
      .executeTakeFirstOrThrow();
    expect(members.map((m) => m.organizationId).sort()).toEqual([tenantA, defaultTenant.id].sort());
    // With its own tenant named, by id or slug, the key works too.
    expect((await call(t, "GET", "/v1/users", { ...asKey, tenant: tenantA })).status).toBe(200);
    // An admin key cannot grant owner.
    const owners = await call(t, "POST", "/v1/users", asKey, {
      email: freshEmail("owner-by-key"),
      name: "X",
      password: PASSWORD,
      roles: ["owner"],
    });
    expect(owners.status).toBe(403);
  });

  it("acts only as far as its roles allow", async () => {
    const key = await createApiKey(t, asOwner, ["user"]);
    const answer = await call(t, "GET", "/v1/users", { apiKey: key.key });
    expect(answer.status).toBe(403);
    expect((answer.body as ErrorJson).code).toBe("forbidden");
  });

  it("is refused (401) right after it is revoked", async () => {
    const key = await createApiKey(t, asOwner, ["admin"]);
    expect((await call(t, "GET", "/v1/users", { apiKey: key.key })).status).toBe(200);
    const revoked = await t.request(`/v1/api-keys/${key.id}`, {
      method: "DELETE",
      token: owner.token,
      headers: { "x-tenant-id": tenantA },
    });
    expect(revoked.status).toBe(204);
    expectUnauthenticated(await call(t, "GET", "/v1/users", { apiKey: key.key }));
    const listed = await call<{ data: { id: string; revoked_at: string | null }[] }>(
      t,
      "GET",
      "/v1/api-keys",
      asOwner,
    );
    expect(listed.body.data.find((k) => k.id === key.id)?.revoked_at).not.toBeNull();
  });

  it("is refused (401) once it has expired", async () => {
    const expiresAt = new Date(Date.now() + 1000);
    const key = await createApiKey(t, asOwner, ["admin"], { expires_at: expiresAt.toISOString() });
    expect((await call(t, "GET", "/v1/users", { apiKey: key.key })).status).toBe(200);
    await Bun.sleep(expiresAt.getTime() - Date.now() + 50);
    expectUnauthenticated(await call(t, "GET", "/v1/users", { apiKey: key.key }));
  });

  it("refuses an expiry in the past with 400", async () => {
    const answer = await call(t, "POST", "/v1/api-keys", asOwner, {
      name: "late",
      roles: ["user"],
      expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorJson).details?.field).toBe("expires_at");
  });

  it("is refused (401) when unknown", async () => {
    expectUnauthenticated(await call(t, "GET", "/v1/users", { apiKey: "ghk_not-a-real-key" }));
    expectUnauthenticated(await call(t, "GET", "/v1/users", { apiKey: "something else" }));
  });

  it("of tenant A with X-Tenant-ID of B is 403 tenant_mismatch, also for an unknown tenant", async () => {
    const key = await createApiKey(t, asOwner, ["admin"]);
    for (const tenant of [tenantB, "default", "no-such-tenant"]) {
      const answer = await call(t, "GET", "/v1/users", { apiKey: key.key, tenant });
      expect(answer.status).toBe(403);
      expect((answer.body as ErrorJson).code).toBe("tenant_mismatch");
    }
  });

  it("is not found (404) when revoked under another tenant, even by a platform admin", async () => {
    const key = await createApiKey(t, asOwner, ["admin"]);
    const answer = await call(t, "DELETE", `/v1/api-keys/${key.id}`, { token: adminToken, tenant: tenantB });
    expect(answer.status).toBe(404);
    expect((await call(t, "GET", "/v1/users", { apiKey: key.key })).status).toBe(200);
  });
});
