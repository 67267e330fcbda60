/**
 * Keyset paging of a tenant's members (queries.ts listInTenant, the cursor of paging.ts): walked from the
 * membership side and from the user side (the plan SQLite takes for large tenants), pages never repeat or skip a
 * member while users are added between and during page reads, and GeoLens's total stays exact when it is read off
 * a short page instead of being counted.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ADMIN, createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { type Caller, call, createTenant, freshEmail, PASSWORD, signUp } from "../../../test/helpers/v1.ts";
import { decodeCursor, encodeCursor } from "./paging.ts";
import { createUserQueries } from "./queries.ts";

let t: TestApp;
let owner: Caller;
let tenantId = "";
const initial: string[] = [];
const tag = `pg${Date.now().toString(36)}`;

async function addMember(name: string): Promise<string> {
  const answer = await call<{ id: string }>(t, "POST", "/v1/users", owner, {
    email: freshEmail(tag),
    name,
    password: PASSWORD,
    roles: ["user"],
  });
  if (answer.status !== 201) throw new Error(`POST /v1/users: ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

// Accounts created through the API take seconds on a loaded machine: more than the default hook timeout.
beforeAll(async () => {
  t = await createTestApp();
  const signedUp = await signUp(t, "Paging Owner");
  tenantId = await createTenant(t, signedUp.token, "paging");
  owner = { token: signedUp.token, tenant: tenantId };
  initial.push(signedUp.id);
  for (let i = 0; i < 11; i++) initial.push(await addMember(`Paged ${i}`));
}, 30_000);

afterAll(async () => {
  await t?.close();
});

// 1 makes every tenant "large" (walk the users, probe memberships); a million keeps every tenant "small".
describe.each([
  ["from the user side", 1],
  ["from the membership side", 1_000_000],
])("listInTenant walked %s", (_, largeTenantMembers) => {
  it("returns every member exactly once, in order, while members are added during the paging", async () => {
    const queries = createUserQueries(t.deps.db, { largeTenantMembers });
    const seen: string[] = [];
    const keys: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      // A member is added while the page is read, another one between pages.
      const [rows] = await Promise.all([
        queries.listInTenant(tenantId, { limit: 4, ...(cursor ? { cursor: decodeCursor(cursor) } : {}) }),
        page < 3 ? addMember(`Concurrent ${page}`) : Promise.resolve(""),
      ]);
      for (const row of rows) {
        seen.push(row.id);
        keys.push(`${row.createdAt.toISOString()}|${row.id}`);
      }
      const last = rows.at(-1);
      if (rows.length < 4 || !last) break;
      if (page < 3) await addMember(`Between ${page}`);
      cursor = encodeCursor(last);
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of initial) expect(seen).toContain(id);
    expect([...keys].sort()).toEqual(keys);
  });

  it("searches a literal, case-insensitive substring of name or e-mail, and follows renames", async () => {
    const queries = createUserQueries(t.deps.db, { largeTenantMembers });
    const names = async (q: string) =>
      (await queries.listInTenant(tenantId, { limit: 50, q })).map((row) => row.name).sort();
    expect(await names("PAGED 1")).toEqual(["Paged 1", "Paged 10"]);
    expect(await names("ed 1")).toEqual(["Paged 1", "Paged 10"]);
    expect(await names(`${tag}-`)).toHaveLength(await names(tag).then((all) => all.length));
    expect(await names("%ged")).toEqual([]);
    expect(await names('"Paged')).toEqual([]);

    const renamed = await addMember(`Renamable ${largeTenantMembers}`);
    expect(await names(`Renamable ${largeTenantMembers}`)).toEqual([`Renamable ${largeTenantMembers}`]);
    // Only platform admins (and the account itself) change an account.
    const admin = { token: await t.signIn(ADMIN.email, ADMIN.password), tenant: tenantId };
    const patched = await call(t, "PATCH", `/v1/users/${renamed}`, admin, {
      name: `Renamed ${largeTenantMembers}`,
    });
    expect(patched.status).toBe(200);
    expect(await names(`renamed ${largeTenantMembers}`)).toEqual([`Renamed ${largeTenantMembers}`]);
    expect(await names(`Renamable ${largeTenantMembers}`)).toEqual([]);
    expect((await call(t, "DELETE", `/v1/users/${renamed}`, admin)).status).toBe(204);
    expect(await names(`renamed ${largeTenantMembers}`)).toEqual([]);
  });
});

describe("GET /api/admin/users/ total", () => {
  it("is exact on a short page, on a page past the end and on a full page", async () => {
    const admin = await t.signIn(ADMIN.email, ADMIN.password);
    const list = async (query: string) => {
      const response = await t.request(`/api/admin/users/?search=paged&${query}`, { token: admin });
      expect(response.status).toBe(200);
      return (await response.json()) as { users: unknown[]; total: number };
    };
    // The eleven "Paged i" members of beforeAll.
    expect(await list("skip=0&limit=50")).toMatchObject({ total: 11 });
    const short = await list("skip=8&limit=5");
    expect([short.users.length, short.total]).toEqual([3, 11]);
    const past = await list("skip=40&limit=5");
    expect([past.users.length, past.total]).toEqual([0, 11]);
    const full = await list("skip=2&limit=5");
    expect([full.users.length, full.total]).toEqual([5, 11]);
  });

  it("counts active accounts exactly when it derives them from the pending and disabled ones", async () => {
    const admin = await t.signIn(ADMIN.email, ADMIN.password);
    const total = async (query: string) => {
      const response = await t.request(`/api/admin/users/?${query}`, { token: admin });
      expect(response.status).toBe(200);
      return ((await response.json()) as { total: number }).total;
    };
    for (const [id, status] of [
      [initial[2], "pending"],
      [initial[3], "disabled"],
    ] as const) {
      const patched = await t.request(`/api/admin/users/${id}`, {
        method: "PATCH",
        token: admin,
        json: { status },
      });
      expect(patched.status).toBe(200);
    }
    const everyone = await total("limit=1");
    const pending = await total("limit=1&status=pending");
    const disabled = await total("limit=1&status=disabled");
    expect(pending).toBeGreaterThan(0);
    expect(disabled).toBeGreaterThan(0);
    // A full page of one: counted (all − pending − disabled); a page of everyone: the rows themselves.
    const counted = await total("limit=1&status=active");
    const listed = await total("limit=100&status=active");
    expect(counted).toBe(everyone - pending - disabled);
    expect(counted).toBe(listed);
  });
});
