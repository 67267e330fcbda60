/**
 * The admin console over plain HTTP (no browser): who is let in, the CSRF token on every post, bad input
 * answered with a page (never a 500), and the user search over username and phone number — in the console
 * and in GET /v1/users, which share the account service's list.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { pageClient } from "../helpers/page-forms.ts";
import { ADMIN, createTestApp, type TestApp } from "../helpers/test-app.ts";
import { signUp } from "../helpers/v1.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function adminClient() {
  const client = pageClient(t);
  await client.get("/sign-in");
  const signedIn = await client.post("/sign-in", { identifier: ADMIN.email, password: ADMIN.password });
  expect(signedIn.status).toBe(303);
  return client;
}

describe("GET /admin", () => {
  it("sends a visitor without a session to sign-in and back", async () => {
    const response = await pageClient(t).get("/admin/users?q=x");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/sign-in?redirect_to=%2Fadmin%2Fusers%3Fq%3Dx");
  });

  it("answers bad input with a page: an unreadable cursor is 400, an unknown user 404", async () => {
    const admin = await adminClient();
    const badCursor = await admin.get("/admin/users?cursor=not-a-cursor&status=bogus");
    expect(badCursor.status).toBe(400);
    expect(badCursor.headers.get("content-type")).toContain("text/html");
    expect(await badCursor.text()).toContain('role="alert"');
    const unknown = await admin.get("/admin/users/no-such-user");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Page not found");
    expect((await admin.get("/admin/tenants/no-such-tenant")).status).toBe(404);
  });
});

describe("POST /admin/*", () => {
  it("refuses a post without the form's CSRF token, and nothing changes", async () => {
    const target = await signUp(t, "Csrf Target");
    const admin = await adminClient();
    await admin.get(`/admin/users/${target.id}`);
    const forged = await admin.post(`/admin/users/${target.id}/ban`, { csrf: "forged", reason: "x" });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("The form had expired");
    const row = await t.deps.db.kysely
      .selectFrom("user")
      .select("banned")
      .where("id", "=", target.id)
      .executeTakeFirstOrThrow();
    expect(Boolean(row.banned)).toBe(false);
  });
});

describe("user search", () => {
  it("finds a user by username and by phone number, in the console and in GET /v1/users", async () => {
    const admin = await adminClient();
    await admin.get("/admin/users/new");
    const created = await admin.post("/admin/users/new", {
      username: "quietwalrus",
      phoneNumber: "+4915112345678",
      name: "No Mail",
      password: "a-long-enough-secret-9",
      globalRole: "user",
    });
    expect(created.status).toBe(303);
    for (const q of ["QuietWal", "5112345"]) {
      const page = await (await admin.get(`/admin/users?q=${encodeURIComponent(q)}`)).text();
      expect(page).toContain("quietwalrus");
      expect(page.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>/g)?.length).toBe(1);
    }
    const token = await t.signIn(ADMIN.email, ADMIN.password);
    const api = (await (await t.request("/v1/users?q=quietwal", { token })).json()) as {
      data: { name: string | null }[];
    };
    expect(api.data.map((user) => user.name)).toEqual(["No Mail"]);
  });
});
