/**
 * The substring search of /v1 `q` and GeoLens `search` (search.ts) over the trigram table on SQLite: a text
 * longer than one piece is looked up as several phrases, and a row holding the pieces apart (or in different
 * columns) is a candidate that the search must leave out. On PostgreSQL the same expectations hold by ILIKE.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../../test/helpers/test-app.ts";
import { createUserQueries } from "./queries.ts";

let t: TestApp;
let defaultTenant = "";
const tag = `sr${Date.now().toString(36)}`;
const names = { match: "", upper: "", apart: "", split: "" };

async function createUser(key: keyof typeof names, name: string, email: string): Promise<void> {
  const token = await t.signIn("admin@gatehouse.test", "admin-password-1");
  const res = await t.request("/api/auth/admin/create-user", {
    method: "POST",
    token,
    json: { name, email },
  });
  const body = (await res.json()) as { user?: { id: string } };
  if (!body.user) throw new Error(`create-user: ${res.status} ${JSON.stringify(body)}`);
  names[key] = body.user.id;
}

beforeAll(async () => {
  t = await createTestApp();
  const row = await t.deps.db.kysely
    .selectFrom("organization")
    .select("id")
    .where("slug", "=", "default")
    .executeTakeFirstOrThrow();
  defaultTenant = row.id as string;
  await createUser("match", `Grace Hopper ${tag}`, `gh.${tag}@example.com`);
  await createUser("upper", `GRACE HOPPER ${tag}`, `upper.${tag}@example.com`);
  // The pieces of "grace hopper" apart in the name, and in the name and the e-mail.
  await createUser("apart", `Grace Hx opperx hopper ${tag}`, `apart.${tag}@example.com`);
  await createUser("split", `Grace H ${tag}`, `opper.${tag}.hopper@example.com`);
}, 60_000);

afterAll(() => t?.close());

describe("search of user lists by a text longer than one trigram piece", () => {
  // 1 makes the default tenant "large": its search goes to the trigram table rather than testing each member.
  it.each([
    ["/v1 q", 1],
    ["/v1 q on a small tenant", 1_000_000],
  ])("%s finds the text itself, in any case", async (_, large) => {
    const queries = createUserQueries(t.deps.db, { largeTenantMembers: large });
    const rows = await queries.listInTenant(defaultTenant, { limit: 50, q: "grace hopper" });
    expect(rows.map((row) => row.id).sort()).toEqual([names.match, names.upper].sort());
  });

  it("GeoLens search and its total leave the candidates out", async () => {
    const queries = createUserQueries(t.deps.db);
    const page = await queries.listAccounts({ skip: 0, limit: 1, search: "grace hopper" });
    expect(page.total).toBe(2);
    const all = await queries.listAccounts({ skip: 0, limit: 50, search: "grace hopper" });
    expect(all.users.map((user) => user.id).sort()).toEqual([names.match, names.upper].sort());
  });
});
