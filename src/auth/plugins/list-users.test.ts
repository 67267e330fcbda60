/**
 * better-auth's admin list-users served from Gatehouse's indexes (./list-users.ts): every answer is the one
 * better-auth's own LIKE and COUNT would give (checked here against plain SQL over the same rows), including a
 * trigram candidate that is not a match, a LIKE wildcard, pages by offset in creation order and by a sort, and the
 * account counter after creations and deletions. Runs on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sql } from "kysely";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";

let t: TestApp;
let token = "";
const tag = `lu${Date.now().toString(36)}`;

interface ListAnswer {
  users: { id: string; email: string; name: string }[];
  total: number;
  limit?: number;
  offset?: number;
}

async function list(query: Record<string, string>): Promise<ListAnswer> {
  const res = await t.request(`/api/auth/admin/list-users?${new URLSearchParams(query)}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ListAnswer;
}

async function createUser(name: string, email: string): Promise<string> {
  // No password: no credential account, so no hashing (better-auth's create-user allows it).
  const res = await t.request("/api/auth/admin/create-user", {
    method: "POST",
    token,
    json: { name, email },
  });
  const body = (await res.json()) as { user?: { id: string } };
  if (!body.user) throw new Error(`create-user: ${res.status} ${JSON.stringify(body)}`);
  return body.user.id;
}

/** What better-auth's adapter would select: the same LIKE, in creation order. */
async function likeIds(column: "name" | "email", pattern: string): Promise<string[]> {
  const rows = await t.deps.db.kysely
    .selectFrom("user")
    .select("id")
    .where(sql.ref(column), "like", pattern)
    .orderBy("numericId")
    .execute();
  return rows.map((row) => row.id as string);
}

async function tableCount(): Promise<number> {
  const row = await t.deps.db.kysely
    .selectFrom("user")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  t = await createTestApp();
  token = await t.signIn("admin@gatehouse.test", "admin-password-1");
  await createUser(`Ada Lovelace ${tag}`, `ada.${tag}@example.com`);
  // Holds every piece the trigram table looks up for "Ada Lovelace", but not the text itself.
  await createUser(`Ada Lx ovelax elace ${tag}`, `decoy.${tag}@example.com`);
  await createUser(`Ada-Lovelace ${tag}`, `dash.${tag}@example.com`);
  await createUser(`Grace Hopper ${tag}`, `grace.${tag}@lovelace.example`);
  for (let i = 0; i < 4; i++) await createUser(`Paged ${i} ${tag}`, `paged${i}.${tag}@example.com`);
}, 60_000);

afterAll(() => t?.close());

describe("GET /api/auth/admin/list-users from Gatehouse's indexes", () => {
  it("answers the table's count as total, kept by creations and deletions", async () => {
    expect((await list({ limit: "2" })).total).toBe(await tableCount());
    const id = await createUser(`Counted ${tag}`, `counted.${tag}@example.com`);
    expect((await list({ limit: "2" })).total).toBe(await tableCount());
    await t.deps.db.kysely.deleteFrom("user").where("id", "=", id).execute();
    expect((await list({ limit: "2" })).total).toBe(await tableCount());
  });

  it("finds by name exactly what LIKE finds, leaving out a candidate that only holds the pieces", async () => {
    const found = await list({
      searchField: "name",
      searchOperator: "contains",
      searchValue: "Ada Lovelace",
    });
    const expected = await likeIds("name", "%Ada Lovelace%");
    expect(found.users.map((u) => u.id)).toEqual(expected);
    expect(found.total).toBe(expected.length);
    expect(found.users.some((u) => u.name.startsWith("Ada Lx"))).toBe(false);
  });

  it("keeps better-auth's LIKE wildcards and its ends_with", async () => {
    const wild = await list({ searchField: "name", searchValue: "Ada_Lovelace" });
    const expected = await likeIds("name", "%Ada_Lovelace%");
    expect(wild.users.map((u) => u.id)).toEqual(expected);
    expect(wild.users.some((u) => u.name.startsWith("Ada-Lovelace"))).toBe(true);
    const ending = await list({
      searchField: "email",
      searchOperator: "ends_with",
      searchValue: "lovelace.example",
    });
    expect(ending.users.map((u) => u.id)).toEqual(await likeIds("email", "%lovelace.example"));
    expect(ending.total).toBe(1);
  });

  it("pages by offset in creation order, and by a sort in that sort's order", async () => {
    const all = await t.deps.db.kysely.selectFrom("user").select("id").orderBy("numericId").execute();
    const page = await list({ limit: "3", offset: "2" });
    expect(page.users.map((u) => u.id)).toEqual(all.slice(2, 5).map((row) => row.id as string));
    expect(page).toMatchObject({ limit: 3, offset: 2, total: all.length });
    const byEmail = await t.deps.db.kysely.selectFrom("user").select("id").orderBy("email", "desc").execute();
    const sorted = await list({ limit: "2", offset: "1", sortBy: "email", sortDirection: "desc" });
    expect(sorted.users.map((u) => u.id)).toEqual(byEmail.slice(1, 3).map((row) => row.id as string));
  });
});
