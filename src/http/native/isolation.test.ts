/**
 * Tenant isolation on every /v1 route: credentials of tenant A (its owner's session, an API key of A) acting on
 * tenant B — by naming B in X-Tenant-ID, or by B's resource ids — get 403 or 404, and the database is the same
 * before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
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
  snapshot,
} from "../../../test/helpers/v1.ts";

let t: TestApp;
let tenantA = "";
let tenantB = "";
/** B's resources, the targets of A's attempts. */
const b = { userId: "", ownerId: "", role: "auditor", keyId: "", policyId: "" };
const credentials: Record<string, Caller> = {};

interface RouteCase {
  readonly method: string;
  readonly path: () => string;
  readonly body?: () => unknown;
  /** Collection routes name no resource of B: only the header can point them at B. */
  readonly collection?: boolean;
}

const POLICY = 'forbid (principal, action == Gatehouse::Action::"users.delete", resource);';

const ROUTES: Record<string, RouteCase> = {
  "POST /v1/users": {
    method: "POST",
    path: () => "/v1/users",
    body: () => ({ email: freshEmail("intruder"), name: "Intruder", password: PASSWORD, roles: ["user"] }),
    collection: true,
  },
  "GET /v1/users": { method: "GET", path: () => "/v1/users", collection: true },
  "GET /v1/users/{id}": { method: "GET", path: () => `/v1/users/${b.userId}` },
  "PUT /v1/users/{id}": {
    method: "PUT",
    path: () => `/v1/users/${b.userId}`,
    body: () => ({ name: "Taken Over", roles: ["admin"] }),
  },
  "PATCH /v1/users/{id}": {
    method: "PATCH",
    path: () => `/v1/users/${b.userId}`,
    body: () => ({ name: "Taken Over", active: false }),
  },
  "PATCH /v1/users/{owner id}": {
    method: "PATCH",
    path: () => `/v1/users/${b.ownerId}`,
    body: () => ({ roles: ["user"] }),
  },
  "DELETE /v1/users/{id}": { method: "DELETE", path: () => `/v1/users/${b.userId}` },
  "GET /v1/roles": { method: "GET", path: () => "/v1/roles", collection: true },
  "POST /v1/roles": {
    method: "POST",
    path: () => "/v1/roles",
    body: () => ({ name: "spy" }),
    collection: true,
  },
  "DELETE /v1/roles/{name}": { method: "DELETE", path: () => `/v1/roles/${b.role}` },
  "GET /v1/api-keys": { method: "GET", path: () => "/v1/api-keys", collection: true },
  "POST /v1/api-keys": {
    method: "POST",
    path: () => "/v1/api-keys",
    body: () => ({ name: "backdoor", roles: ["user"] }),
    collection: true,
  },
  "DELETE /v1/api-keys/{id}": { method: "DELETE", path: () => `/v1/api-keys/${b.keyId}` },
  "GET /v1/policies": { method: "GET", path: () => "/v1/policies", collection: true },
  "POST /v1/policies": {
    method: "POST",
    path: () => "/v1/policies",
    body: () => ({ policy: POLICY, notice: "planted" }),
    collection: true,
  },
  "GET /v1/policies/{id}": { method: "GET", path: () => `/v1/policies/${b.policyId}` },
  "PUT /v1/policies/{id}": {
    method: "PUT",
    path: () => `/v1/policies/${b.policyId}`,
    body: () => ({ enabled: false }),
  },
  "DELETE /v1/policies/{id}": { method: "DELETE", path: () => `/v1/policies/${b.policyId}` },
};

beforeAll(async () => {
  t = await createTestApp();
  const ownerA = await signUp(t, "Owner A");
  tenantA = await createTenant(t, ownerA.token, "iso-a");
  const ownerB = await signUp(t, "Owner B");
  tenantB = await createTenant(t, ownerB.token, "iso-b");
  b.ownerId = ownerB.id;
  const asB: Caller = { token: ownerB.token, tenant: tenantB };
  b.userId = (await addUser(t, asB, ["user"], "Member B")).id;
  expect((await call(t, "POST", "/v1/roles", asB, { name: b.role })).status).toBe(201);
  b.keyId = (await createApiKey(t, asB, ["admin"])).id;
  const rule = await call<{ id: string }>(t, "POST", "/v1/policies", asB, {
    policy: POLICY,
    notice: "B's rule",
  });
  expect(rule.status).toBe(201);
  b.policyId = rule.body.id;
  // A has the same kinds of things, so that a route resolved in A finds something of its own.
  const asA: Caller = { token: ownerA.token, tenant: tenantA };
  await addUser(t, asA, ["user"], "Member A");
  const keyA = await createApiKey(t, asA, ["admin"]);
  credentials["A's owner session"] = { token: ownerA.token };
  credentials["an API key of A"] = { apiKey: keyA.key };
  // The key records its first use; do that now, so that it is not a change made by the requests below.
  expect((await call(t, "GET", "/v1/roles", { apiKey: keyA.key })).status).toBe(200);
});

afterAll(async () => {
  await t?.close();
});

describe("tenant isolation on every /v1 route", () => {
  for (const who of ["A's owner session", "an API key of A"]) {
    for (const [route, spec] of Object.entries(ROUTES)) {
      it(`${route}: ${who} with X-Tenant-ID of B gets 403 tenant_mismatch and changes nothing`, async () => {
        const caller = { ...credentials[who], tenant: tenantB };
        const before = await snapshot(t);
        const answer = await call(t, spec.method, spec.path(), caller, spec.body?.());
        expect(answer.status).toBe(403);
        expect((answer.body as ErrorJson).code).toBe("tenant_mismatch");
        expect(await snapshot(t)).toEqual(before);
      });

      if (spec.collection) continue;
      for (const header of ["no X-Tenant-ID", "X-Tenant-ID of A"]) {
        it(`${route}: ${who} with ${header} and B's resource id gets 404 and changes nothing`, async () => {
          const caller = { ...credentials[who], ...(header === "no X-Tenant-ID" ? {} : { tenant: tenantA }) };
          const before = await snapshot(t);
          const answer = await call(t, spec.method, spec.path(), caller, spec.body?.());
          expect(answer.status).toBe(404);
          expect((answer.body as ErrorJson).code).toBe("not_found");
          expect(await snapshot(t)).toEqual(before);
        });
      }
    }
  }

  it("B's things are all still there, unchanged, for B's owner", async () => {
    const key = await t.deps.db.kysely
      .selectFrom("api_key")
      .select("revokedAt")
      .where("id", "=", b.keyId)
      .executeTakeFirstOrThrow();
    expect(key.revokedAt).toBeNull();
    const member = await t.deps.db.kysely
      .selectFrom("member")
      .select("role")
      .where("userId", "=", b.userId)
      .where("organizationId", "=", tenantB)
      .executeTakeFirstOrThrow();
    expect(member.role).toBe("user");
  });
});
