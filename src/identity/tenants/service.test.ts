/**
 * findTenant, which every /v1 request runs (X-Tenant-ID, the credential's tenant, or `default`): by id, else by
 * slug, and the id wins when one tenant's slug is another tenant's id.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { signUp } from "../../../test/helpers/v1.ts";
import { createTenantService } from "./service.ts";

let t: TestApp;
let tenants: ReturnType<typeof createTenantService>;
let owner: string;

async function organization(slug: string): Promise<string> {
  const response = await t.request("/api/auth/organization/create", {
    token: owner,
    json: { name: slug, slug },
  });
  const body = (await response.json()) as { id?: string };
  if (!response.ok || !body.id) throw new Error(`organization/create failed: ${JSON.stringify(body)}`);
  return body.id;
}

beforeAll(async () => {
  t = await createTestApp();
  tenants = createTenantService({ auth: t.deps.auth, db: t.deps.db, extraDefaultRoles: [] });
  owner = (await signUp(t, "Owner")).token;
}, 30_000);

afterAll(async () => {
  await t.close();
});

describe("findTenant", () => {
  it("finds a tenant by id and by slug, and nothing for an unknown value", async () => {
    const id = await organization("find-me");
    expect(await tenants.findTenant(id)).toEqual({ id, slug: "find-me", name: "find-me" });
    expect(await tenants.findTenant("find-me")).toEqual({ id, slug: "find-me", name: "find-me" });
    expect(await tenants.findTenant("no-such-tenant")).toBeNull();
    expect(await tenants.findTenant("")).toBeNull();
  });

  it("takes the tenant with that id over the one with that slug", async () => {
    const first = await organization("first-tenant");
    // A second tenant whose slug is the first one's id (ids are UUIDs, which are valid slugs).
    const second = await organization(first);
    expect((await tenants.findTenant(first))?.id).toBe(first);
    expect((await tenants.findTenant(second))?.id).toBe(second);
  });
});
